import Foundation
import PatronCore

/// Maps an identify call to a customer upsert. Identity fields (userId, anonymousId, email) are strict;
/// descriptive traits that do not validate are kept as raw properties instead of failing the call.
enum SegmentIdentify {
    /// Trait keys mapped onto customer fields, so not repeated in `properties`.
    static let firstNameKeys = ["firstName", "first_name"]
    static let lastNameKeys = ["lastName", "last_name"]
    static let createdAtKeys = ["createdAt", "created_at"]

    static func operations(_ reader: inout FieldReader, envelope: SegmentEnvelope) -> [IngestOperation] {
        let ownTraits = reader.rawObject("traits") ?? [:]
        let traits = envelope.contextTraits.merging(ownTraits) { _, own in own }
        let email = readEmail(&reader, ownTraits: ownTraits, contextTraits: envelope.contextTraits)

        guard envelope.userId != nil || email != nil else {
            guard let anonymousId = envelope.anonymousId else { return [] }
            var event = envelope.event(type: "Identify", properties: traits)
            event.customer = CustomerRef(anonymousId: anonymousId)
            return [.event(event)]
        }
        var customer = CustomerInput(externalId: envelope.userId, email: email)
        var properties = traits
        properties["email"] = nil
        customer.sourceUpdatedAt = envelope.occurredAt

        if let phone = lenient(traits["phone"], { $0.phone("value") }) {
            customer.phone = phone
            properties["phone"] = nil
        }
        customer.firstName = take(firstNameKeys, from: traits, into: &properties, maxLength: 200)
        customer.lastName = take(lastNameKeys, from: traits, into: &properties, maxLength: 200)
        // Segment's own rule (facade): a full `name` fills missing first and last names.
        if let name = lenient(traits["name"], { $0.string("value", maxLength: 400) }) {
            let words = name.split(separator: " ", omittingEmptySubsequences: true)
            if customer.firstName == nil, let first = words.first { customer.firstName = String(first) }
            if customer.lastName == nil, words.count > 1 {
                customer.lastName = words.dropFirst().joined(separator: " ")
            }
        }
        if let birthday = lenient(traits["birthday"], { $0.calendarDate("value") }) {
            customer.birthday = birthday
            properties["birthday"] = nil
        }
        customer.country = lenient(traits["address"]?["country"], { $0.countryCode("value") })
        customer.timeZone =
            lenient(envelope.context["timezone"], { $0.timeZone("value") })
            ?? lenient(traits["timezone"], { $0.timeZone("value") })
        for key in createdAtKeys where customer.createdAt == nil {
            if let createdAt = lenient(traits[key], { $0.timestamp("value") }) {
                customer.createdAt = createdAt
                properties[key] = nil
            }
        }
        let consent = SegmentConsent.read(traits, recordedAt: envelope.occurredAt)
        customer.consents = consent.consents
        for key in consent.used { properties[key] = nil }
        customer.properties = properties.isEmpty ? nil : properties

        guard let userId = envelope.userId else {
            // E-mail without userId: the anonymous id rides on the customer.
            customer.anonymousIds = envelope.anonymousId.map { [$0] } ?? []
            return [.customer(customer)]
        }
        var operations: [IngestOperation] = [.customer(customer)]
        if let anonymousId = envelope.anonymousId {
            operations.append(
                .linkAnonymous(anonymousId: anonymousId, customer: CustomerRef(externalId: userId, email: email)))
        }
        return operations
    }

    /// The e-mail from `traits`, else from `context.traits`, with an error naming where it came from.
    static func readEmail(
        _ reader: inout FieldReader, ownTraits: [String: JSONValue], contextTraits: [String: JSONValue]
    ) -> String? {
        let fromOwn = ownTraits["email"].map { !$0.isNull } ?? false
        let source = fromOwn ? ownTraits : contextTraits
        var emailReader = FieldReader(source, path: FieldPath(fromOwn ? "traits" : "context.traits"))
        let email = emailReader.email("email")
        reader.absorb(ValidationFailure(emailReader.errors))
        return email
    }

    /// The first key of `keys` holding a valid string; the keys read are removed from `properties`.
    static func take(
        _ keys: [String], from traits: [String: JSONValue], into properties: inout [String: JSONValue], maxLength: Int
    ) -> String? {
        for key in keys {
            if let text = lenient(traits[key], { $0.string("value", maxLength: maxLength) }) {
                properties[key] = nil
                return text
            }
        }
        return nil
    }

    /// Runs one of PatronCore's field readers on a lone value, giving nil instead of an error.
    static func lenient<T>(_ value: JSONValue?, _ read: (inout FieldReader) -> T?) -> T? {
        guard let value, !value.isNull else { return nil }
        var probe = FieldReader(["value": value])
        let result = read(&probe)
        return probe.errors.isEmpty ? result : nil
    }
}
