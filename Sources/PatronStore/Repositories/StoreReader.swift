import Foundation
import PatronCore
import SQLKit

/// Reads one store's data as the canonical JSON documents the API serves and exports contain.
/// Every query is scoped by `storeID`.
public struct StoreReader {
    public let sql: any SQLDatabase
    public let storeID: Int64

    public init(sql: any SQLDatabase, storeID: Int64) {
        self.sql = sql
        self.storeID = storeID
    }
}

/// A page of a list, with the cursor to fetch the next one.
public struct Page: Sendable {
    public let items: [JSONValue]
    public let nextCursor: Int64?

    public init(items: [JSONValue], nextCursor: Int64?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    public var json: JSONValue { ["data": .array(items), "nextCursor": nextCursor.map { .string(String($0)) } ?? .null] }
}

public struct PageRequest: Sendable {
    public let limit: Int
    public let after: Int64

    public init(limit: Int = 50, after: Int64 = 0) {
        self.limit = limit
        self.after = after
    }
}

extension StoreReader {
    /// A page from rows fetched with `LIMIT limit + 1`: the extra row only tells that another page exists.
    func page(_ rows: [any SQLRow], limit: Int, renderAll: ([any SQLRow]) async throws -> [JSONValue]) async throws -> Page {
        let items = try await renderAll(Array(rows.prefix(limit)))
        let next = rows.count > limit ? try rows[limit - 1].int("id") : nil
        return Page(items: items, nextCursor: next)
    }

    func page(_ rows: [any SQLRow], limit: Int, render: (any SQLRow) async throws -> JSONValue) async throws -> Page {
        try await page(rows, limit: limit) { pageRows in
            var items: [JSONValue] = []
            for row in pageRows { items.append(try await render(row)) }
            return items
        }
    }

    /// `AND column = value` when a filter is given, nothing otherwise.
    func filter(_ column: String, _ value: (any Encodable & Sendable)?) -> SQLQueryString {
        guard let value else { return "" }
        return " AND \(unsafeRaw: column) = \(bind: value)"
    }
}
