import HTTPTypes
import PatronCore
import PatronStore

/// A batch request `{ "items": [...] }` read item by item: valid items become operations, invalid ones
/// keep their field errors, and the response reports each item at its index.
struct BatchBody: Sendable {
    enum Slot: Sendable {
        case operation(Int)
        case rejected([FieldError])
    }

    static let maxItems = 1_000
    let operations: [IngestOperation]
    let slots: [Slot]

    init(_ body: JSONValue, read: (inout FieldReader) -> IngestOperation?) throws {
        var root = try FieldReader.root(body)
        let items = root.array("items", required: true, maxCount: Self.maxItems)
        if let items, items.isEmpty { root.fail("items", "expected 1 to \(Self.maxItems) items, got 0") }
        try root.finish()
        var operations: [IngestOperation] = []
        var slots: [Slot] = []
        for (index, item) in (items ?? []).enumerated() {
            let path = FieldPath("items").element(index)
            guard case .object(let members) = item else {
                slots.append(
                    .rejected([FieldError(field: path.description, message: "expected an object, got \(item.typeName)")]))
                continue
            }
            var reader = FieldReader(members, path: path)
            let operation = read(&reader)
            if let operation, reader.errors.isEmpty {
                slots.append(.operation(operations.count))
                operations.append(operation)
            } else {
                slots.append(
                    .rejected(
                        reader.errors.isEmpty ? [FieldError(field: path.description, message: "invalid item")] : reader.errors))
            }
        }
        self.operations = operations
        self.slots = slots
    }

    func render(_ results: [Result<WriteResult?, ValidationFailure>]) -> (HTTPResponse.Status, JSONValue) {
        var accepted: Int64 = 0
        var rejected: Int64 = 0
        let entries = slots.enumerated().map { index, slot -> JSONValue in
            switch slot {
            case .operation(let position):
                switch results[position] {
                case .success(let result):
                    accepted += 1
                    return .compactObject([
                        "index": .int(Int64(index)), "status": .string(result?.outcome.rawValue ?? "updated"),
                        "id": result.map { .int($0.id) },
                    ])
                case .failure(let failure):
                    // Found while storing the item: its paths are relative to the item.
                    rejected += 1
                    let item = FieldPath("items").element(index)
                    return Self.rejection(
                        index: index,
                        errors: failure.errors.map { FieldError(field: item.member($0.field).description, message: $0.message) })
                }
            case .rejected(let errors):
                rejected += 1
                return Self.rejection(index: index, errors: errors)
            }
        }
        return (.ok, ["accepted": .int(accepted), "rejected": .int(rejected), "results": .array(entries)])
    }

    static func rejection(index: Int, errors: [FieldError]) -> JSONValue {
        [
            "index": .int(Int64(index)), "status": "rejected",
            "errors": .array(errors.map { ["field": .string($0.field), "message": .string($0.message)] }),
        ]
    }
}
