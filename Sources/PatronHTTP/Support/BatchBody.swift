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

    func render(_ results: [WriteResult?]) -> (HTTPResponse.Status, JSONValue) {
        var accepted: Int64 = 0
        var rejected: Int64 = 0
        let entries = slots.enumerated().map { index, slot -> JSONValue in
            switch slot {
            case .operation(let position):
                accepted += 1
                let result = results[position]
                return .compactObject([
                    "index": .int(Int64(index)), "status": .string(result?.outcome.rawValue ?? "updated"),
                    "id": result.map { .int($0.id) },
                ])
            case .rejected(let errors):
                rejected += 1
                return [
                    "index": .int(Int64(index)), "status": "rejected",
                    "errors": .array(errors.map { ["field": .string($0.field), "message": .string($0.message)] }),
                ]
            }
        }
        return (.ok, ["accepted": .int(accepted), "rejected": .int(rejected), "results": .array(entries)])
    }
}
