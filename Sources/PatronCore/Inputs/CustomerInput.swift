import Foundation

/// How an order, event or shipment points at a customer: the store's id, an e-mail, or an anonymous id.
public struct CustomerRef: Sendable, Hashable {
    public var externalId: String?
    public var email: String?
    public var anonymousId: String?

    public init(externalId: String? = nil, email: String? = nil, anonymousId: String? = nil) {
        self.externalId = externalId
        self.email = email
        self.anonymousId = anonymousId
    }

    public var isEmpty: Bool { externalId == nil && email == nil && anonymousId == nil }
}

public struct ConsentInput: Sendable, Hashable {
    public var channel: ConsentChannel
    public var state: ConsentState
    public var source: String
    public var recordedAt: Date?

    public init(channel: ConsentChannel, state: ConsentState, source: String, recordedAt: Date? = nil) {
        self.channel = channel
        self.state = state
        self.source = source
        self.recordedAt = recordedAt
    }
}

/// A customer upsert. Nil fields leave the stored value unchanged; `properties` merge key by key.
public struct CustomerInput: Sendable, Hashable {
    public var externalId: String?
    public var email: String?
    public var phone: String?
    public var firstName: String?
    public var lastName: String?
    public var country: String?
    public var timeZone: String?
    public var birthday: CalendarDate?
    public var tags: [String]?
    public var properties: [String: JSONValue]?
    public var consents: [ConsentInput] = []
    public var anonymousIds: [String] = []
    public var createdAt: Date?
    /// The sender's last-modified time; an older update than the one stored is ignored.
    public var sourceUpdatedAt: Date?

    public init(externalId: String? = nil, email: String? = nil) {
        self.externalId = externalId
        self.email = email
    }

    public var ref: CustomerRef { CustomerRef(externalId: externalId, email: email, anonymousId: anonymousIds.first) }
}

extension CustomerInput {
    /// Reads the REST representation (`docs/api.md`).
    public static func read(_ reader: inout FieldReader, source: String = "api") -> CustomerInput? {
        var input = CustomerInput(externalId: reader.identifier("externalId"), email: reader.email("email"))
        if input.externalId == nil, input.email == nil, !reader.has("email") {
            reader.fail("externalId", "is required when there is no email (a customer needs one of them)")
        }
        input.phone = reader.phone("phone")
        input.firstName = reader.string("firstName", maxLength: 200)
        input.lastName = reader.string("lastName", maxLength: 200)
        input.country = reader.countryCode("country")
        input.timeZone = reader.timeZone("timeZone")
        input.birthday = reader.calendarDate("birthday")
        input.tags = reader.strings("tags")
        input.properties = reader.rawObject("properties")
        input.createdAt = reader.timestamp("createdAt")
        input.sourceUpdatedAt = reader.timestamp("updatedAt")
        input.anonymousIds = reader.strings("anonymousIds", maxCount: 50) ?? []
        if let consent = reader.object("consent") {
            var consentReader = consent
            for channel in ConsentChannel.allCases {
                if let entry = consentReader.nested(
                    channel.rawValue, { ConsentInput.read(&$0, channel: channel, source: source) })
                {
                    input.consents.append(entry)
                }
            }
            reader.absorb(ValidationFailure(consentReader.errors))
        }
        return input
    }
}

extension ConsentInput {
    static func read(_ reader: inout FieldReader, channel: ConsentChannel, source: String) -> ConsentInput? {
        guard let state = reader.enumeration("state", as: ConsentState.self, required: true) else { return nil }
        return ConsentInput(
            channel: channel, state: state, source: reader.string("source", maxLength: 100) ?? source,
            recordedAt: reader.timestamp("recordedAt"))
    }
}

extension FieldReader {
    public mutating func countryCode(_ key: String) -> String? {
        guard let text = string(key, maxLength: 60) else { return nil }
        guard text.count == 2, text.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            fail(key, "expected an ISO 3166-1 alpha-2 country code such as US or GB, got \"\(text)\"")
            return nil
        }
        return text.uppercased()
    }

    public mutating func timeZone(_ key: String) -> String? {
        guard let text = string(key, maxLength: 64) else { return nil }
        guard TimeZone(identifier: text) != nil else {
            fail(key, "expected an IANA time zone such as Europe/Paris, got \"\(text)\"")
            return nil
        }
        return text
    }

    public mutating func calendarDate(_ key: String) -> CalendarDate? {
        guard let text = string(key, maxLength: 40) else { return nil }
        guard let date = CalendarDate(text) else {
            fail(key, "expected a date as YYYY-MM-DD (or --MM-DD without the year), got \"\(text)\"")
            return nil
        }
        return date
    }

    public mutating func phone(_ key: String) -> String? {
        guard let text = string(key, maxLength: 40) else { return nil }
        let digits = text.filter(\.isNumber)
        guard (6...15).contains(digits.count), text.allSatisfy({ $0.isNumber || " +-().".contains($0) }) else {
            fail(key, "expected a phone number, preferably E.164 such as +14155550123, got \"\(text)\"")
            return nil
        }
        return (text.hasPrefix("+") ? "+" : "") + digits
    }

    /// A customer reference from `customerExternalId` / `email` / `anonymousId` members.
    public mutating func customerRef() -> CustomerRef {
        CustomerRef(
            externalId: identifier("customerExternalId"), email: email("email"),
            anonymousId: string("anonymousId", maxLength: 255))
    }
}
