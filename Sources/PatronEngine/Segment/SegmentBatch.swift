import Foundation
import PatronCore

/// One message of a batch with its call type.
public struct SegmentMessage: Sendable, Hashable {
    public var type: SegmentMessageType
    public var message: JSONValue

    public init(type: SegmentMessageType, message: JSONValue) {
        self.type = type
        self.message = message
    }
}

/// Splits a `/v1/batch` body (`{"batch": [...], "sentAt": ..., "context": ..., "writeKey": ...}`) into its
/// messages. A bad item fails alone, so the valid messages of the batch are kept.
public enum SegmentBatch {
    /// Throws only when the body as a whole is unusable; per-item failures name `batch[i].<field>`.
    public static func messages(
        _ body: JSONValue
    ) throws(ValidationFailure) -> [Result<SegmentMessage, ValidationFailure>] {
        var reader = try FieldReader.root(body)
        let items = reader.array("batch", required: true, maxCount: 100_000)
        let sharedContext = reader.rawObject("context")
        let sentAt = reader.object["sentAt"].flatMap { $0.isNull ? nil : $0 }
        try reader.finish()
        return (items ?? []).enumerated().map { index, item in
            message(item, path: FieldPath("batch").element(index), sharedContext: sharedContext, sentAt: sentAt)
        }
    }

    /// Splits and maps a batch: for each item, its operations or its errors (named `batch[i].<field>`).
    public static func operations(
        _ body: JSONValue, receivedAt: Date
    ) throws(ValidationFailure) -> [Result<[IngestOperation], ValidationFailure>] {
        try messages(body).enumerated().map { index, item in
            switch item {
            case .failure(let failure): return .failure(failure)
            case .success(let message):
                do throws(ValidationFailure) {
                    return .success(
                        try SegmentMapper.operations(
                            type: message.type, message: message.message, receivedAt: receivedAt))
                } catch {
                    return .failure(prefixed(error, with: FieldPath("batch").element(index)))
                }
            }
        }
    }

    static func message(
        _ item: JSONValue, path: FieldPath, sharedContext: [String: JSONValue]?, sentAt: JSONValue?
    ) -> Result<SegmentMessage, ValidationFailure> {
        guard case .object(var members) = item else {
            return .failure(
                ValidationFailure(field: path.description, message: "expected an object, got \(item.typeName)"))
        }
        let size = item.serializedBytes().count
        if size > SegmentLimits.maxMessageBytes {
            return .failure(
                ValidationFailure(
                    field: path.description,
                    message: "a message may be at most \(SegmentLimits.maxMessageBytes) bytes, this one is \(size)"))
        }
        var reader = FieldReader(members, path: path)
        guard let name = reader.string("type", required: true, maxLength: 20) else {
            return .failure(ValidationFailure(reader.errors))
        }
        guard let type = SegmentMessageType(rawValue: name.lowercased()) else {
            let allowed = SegmentMessageType.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(
                ValidationFailure(
                    field: path.member("type").description,
                    message: "expected one of \(allowed), got \"\(name.prefix(40))\""))
        }
        // The batch's context and sentAt apply to every message; a message's own members win.
        let ownContext = members["context"] ?? .null
        if let sharedContext, ownContext.isNull || ownContext.objectValue != nil {
            members["context"] = .object(sharedContext.merging(ownContext.objectValue ?? [:]) { _, mine in mine })
        }
        if let sentAt, members["sentAt"]?.isNull ?? true { members["sentAt"] = sentAt }
        return .success(SegmentMessage(type: type, message: .object(members)))
    }

    static func prefixed(_ failure: ValidationFailure, with path: FieldPath) -> ValidationFailure {
        ValidationFailure(
            failure.errors.map { error in
                let whole = error.field == FieldPath().description
                return FieldError(
                    field: whole ? path.description : "\(path.description).\(error.field)", message: error.message)
            })
    }
}
