/// One problem with one field of the input, named by its path (`lineItems[2].quantity`).
public struct FieldError: Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// Input that failed validation; carries every field error found, not just the first.
public struct ValidationFailure: Error, Sendable, CustomStringConvertible {
    public let errors: [FieldError]

    public init(_ errors: [FieldError]) { self.errors = errors }

    public init(field: String, message: String) {
        self.errors = [FieldError(field: field, message: message)]
    }

    public var description: String { errors.map(\.description).joined(separator: "; ") }
}

/// A path into a JSON document, rendered the way error messages name fields.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public init(_ text: String = "") { self.text = text }

    public func member(_ key: String) -> FieldPath { FieldPath(text.isEmpty ? key : "\(text).\(key)") }
    public func element(_ index: Int) -> FieldPath { FieldPath("\(text)[\(index)]") }
    public var description: String { text.isEmpty ? "(body)" : text }
}
