import Foundation
import PatronCore
import SQLKit

/// Column readers that tolerate each engine's types (SQLite has no BIGINT, PostgreSQL no dynamic typing).
extension SQLRow {
    public func int(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
    public func optionalInt(_ column: String) throws -> Int64? { try decode(column: column, as: Int64?.self) }
    public func text(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
    public func requiredText(_ column: String) throws -> String { try decode(column: column, as: String.self) }

    /// A TEXT column holding JSON; unparsable or null text reads as `fallback`.
    public func json(_ column: String, fallback: JSONValue = .null) throws -> JSONValue {
        guard let text = try text(column), let value = try? JSONParser.parse(text) else { return fallback }
        return value
    }

    /// An epoch-milliseconds column rendered as an RFC 3339 string, or JSON null.
    public func time(_ column: String) throws -> JSONValue {
        JSONValue.time(milliseconds: try optionalInt(column))
    }

    public func textValue(_ column: String) throws -> JSONValue { JSONValue(try text(column)) }
    public func intValue(_ column: String) throws -> JSONValue { JSONValue(try optionalInt(column)) }
}

extension Optional where Wrapped == Date {
    var milliseconds: Int64? { self.map(Timestamp.milliseconds) }
}
