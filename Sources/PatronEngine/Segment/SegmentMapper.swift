import Foundation
import PatronCore

/// Maps one Segment Spec message (identify, track, page, screen, group, alias) to ingest operations.
public enum SegmentMapper {
    /// `receivedAt` is when Patron received the request: the time of a message without a timestamp, and
    /// the reference for clock-skew correction with `sentAt`.
    public static func operations(
        type: SegmentMessageType, message: JSONValue, receivedAt: Date
    ) throws(ValidationFailure) -> [IngestOperation] {
        var reader = try FieldReader.root(message)
        let envelope = SegmentEnvelope(
            &reader, message: message, receivedAt: receivedAt, requireIdentity: type != .alias)
        let operations: [IngestOperation]
        switch type {
        case .identify:
            operations = SegmentIdentify.operations(&reader, envelope: envelope)
        case .track:
            operations = track(&reader, envelope: envelope)
        case .page:
            operations = view(&reader, envelope: envelope, type: "Page Viewed")
        case .screen:
            operations = view(&reader, envelope: envelope, type: "Screen Viewed")
        case .group:
            operations = group(&reader, envelope: envelope)
        case .alias:
            operations = alias(&reader, envelope: envelope)
        }
        try reader.finish()
        try operations.checkAssembled(field: "properties.total")
        return operations
    }

    static func track(_ reader: inout FieldReader, envelope: SegmentEnvelope) -> [IngestOperation] {
        let name = reader.string("event", required: true, maxLength: 200)
        let properties = reader.rawObject("properties") ?? [:]
        guard let name else { return [] }
        var propertiesReader = FieldReader(properties, path: FieldPath("properties"))
        var operations = SegmentCommerce.operations(event: name, &propertiesReader, envelope: envelope)
        reader.absorb(ValidationFailure(propertiesReader.errors))
        operations.append(.event(envelope.event(type: name, properties: properties)))
        return operations
    }

    /// Page and screen views; the call's top-level `name` and `category` join the properties.
    static func view(_ reader: inout FieldReader, envelope: SegmentEnvelope, type: String) -> [IngestOperation] {
        var properties = reader.rawObject("properties") ?? [:]
        for key in ["name", "category"] {
            if let text = reader.string(key, maxLength: 500) { properties[key] = .string(text) }
        }
        return [.event(envelope.event(type: type, properties: properties))]
    }

    static func group(_ reader: inout FieldReader, envelope: SegmentEnvelope) -> [IngestOperation] {
        let groupId = reader.identifier("groupId", required: true)
        var properties = reader.rawObject("traits") ?? [:]
        guard let groupId else { return [] }
        properties["groupId"] = .string(groupId)
        return [.event(envelope.event(type: "Group", properties: properties))]
    }

    /// `previousId` (usually the anonymous id) becomes an alias of the customer `userId`.
    static func alias(_ reader: inout FieldReader, envelope: SegmentEnvelope) -> [IngestOperation] {
        let previousId = reader.identifier("previousId", required: true)
        if envelope.userId == nil, !reader.has("userId") { reader.fail("userId", "is required") }
        guard let previousId, let userId = envelope.userId else { return [] }
        return [.linkAnonymous(anonymousId: previousId, customer: CustomerRef(externalId: userId))]
    }
}
