import Foundation
import PatronCore

/// The fields every Segment call shares: identity, dedupe key, time and context.
struct SegmentEnvelope {
    /// Below this, a difference between `sentAt` and `receivedAt` is network latency rather than clock skew.
    static let skewTolerance: TimeInterval = 60

    var userId: String?
    var anonymousId: String?
    var messageId: String
    var occurredAt: Date
    var context: [String: JSONValue]
    var contextTraits: [String: JSONValue]

    /// Reads the common fields, recording errors in `reader`; `requireIdentity` demands userId or anonymousId.
    init(_ reader: inout FieldReader, message: JSONValue, receivedAt: Date, requireIdentity: Bool = true) {
        userId = reader.identifier("userId")
        anonymousId = reader.identifier("anonymousId")
        if requireIdentity, userId == nil, anonymousId == nil, !reader.has("userId"), !reader.has("anonymousId") {
            reader.fail("userId", "is required when there is no anonymousId (a message needs one of them)")
        }
        messageId = reader.identifier("messageId") ?? SegmentMessageID.generated(for: message)
        context = reader.rawObject("context") ?? [:]
        contextTraits = context["traits"]?.objectValue ?? [:]
        occurredAt = Self.occurredAt(
            timestamp: reader.timestamp("timestamp"), originalTimestamp: reader.timestamp("originalTimestamp"),
            sentAt: reader.timestamp("sentAt"), receivedAt: receivedAt)
    }

    /// Segment's clock-skew correction, `receivedAt - (sentAt - originalTimestamp)`, applied only to a
    /// skew beyond `skewTolerance` so that re-deliveries of a message keep the same time.
    /// A message that carries both `timestamp` and `originalTimestamp` was already corrected by Segment.
    static func occurredAt(timestamp: Date?, originalTimestamp: Date?, sentAt: Date?, receivedAt: Date) -> Date {
        if let timestamp, originalTimestamp != nil { return timestamp }
        guard let clientTime = timestamp ?? originalTimestamp else { return receivedAt }
        guard let sentAt else { return clientTime }
        let skew = receivedAt.timeIntervalSince(sentAt)
        return abs(skew) > skewTolerance ? clientTime.addingTimeInterval(skew) : clientTime
    }

    /// The e-mail in `context.traits`, when it is a valid address.
    var contextEmail: String? { Self.validEmail(contextTraits["email"]) }

    var customer: CustomerRef { CustomerRef(externalId: userId, email: contextEmail, anonymousId: anonymousId) }

    static func validEmail(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue?.trimmingCharacters(in: .whitespaces), EmailAddress.isValid(text) else {
            return nil
        }
        return text
    }

    func event(type: String, properties: [String: JSONValue]) -> EventInput {
        var event = EventInput(
            type: type, customer: customer, messageId: messageId, occurredAt: occurredAt, source: .segment)
        event.properties = properties
        event.context = context
        event.productExternalIds = ProductReferences.extract(from: properties)
        return event
    }
}
