import PatronCore
import SQLKit

/// Merchant-written content for post-purchase messages: care tips or how-to per product (by external
/// id) or per category.
public struct Snippet: Sendable, Equatable {
    public var scope: String
    public var key: String
    public var title: String
    public var body: String
    public var updatedAt: Int64

    public var json: JSONValue {
        [
            "scope": .string(scope), "key": .string(key), "title": .string(title), "body": .string(body),
            "updatedAt": .time(milliseconds: updatedAt),
        ]
    }
}

public struct SnippetRepository: Sendable {
    public static let scopes = ["product", "category"]
    public let sql: any SQLDatabase
    public let storeID: Int64

    public init(sql: any SQLDatabase, storeID: Int64) {
        self.sql = sql
        self.storeID = storeID
    }

    public func all() async throws -> [Snippet] {
        try await sql.raw(
            """
            SELECT scope, snippet_key, title, body, updated_at FROM content_snippets WHERE store_id = \(bind: storeID)
            ORDER BY scope, snippet_key
            """
        ).all().map(Self.snippet)
    }

    /// The snippets for these products and categories, product ones first, in the order asked.
    public func matching(products: [String], categories: [String]) async throws -> [Snippet] {
        guard !products.isEmpty || !categories.isEmpty else { return [] }
        let rows = try await sql.raw(
            """
            SELECT scope, snippet_key, title, body, updated_at FROM content_snippets WHERE store_id = \(bind: storeID)
                AND ((scope = 'product' AND snippet_key IN (\(binds: products.isEmpty ? [""] : products)))
                  OR (scope = 'category' AND snippet_key IN (\(binds: categories.isEmpty ? [""] : categories))))
            """
        ).all().map(Self.snippet)
        let order = products.map { "product:\($0)" } + categories.map { "category:\($0)" }
        return rows.sorted {
            (order.firstIndex(of: "\($0.scope):\($0.key)") ?? .max) < (order.firstIndex(of: "\($1.scope):\($1.key)") ?? .max)
        }
    }

    public func save(scope: String, key: String, title: String, body: String, now: Int64) async throws -> Snippet {
        try await sql.raw(
            """
            INSERT INTO content_snippets (store_id, scope, snippet_key, title, body, updated_at)
            VALUES (\(bind: storeID), \(bind: scope), \(bind: key), \(bind: title), \(bind: body), \(bind: now))
            ON CONFLICT (store_id, scope, snippet_key) DO UPDATE SET title = excluded.title, body = excluded.body,
                updated_at = excluded.updated_at
            """
        ).run()
        return Snippet(scope: scope, key: key, title: title, body: body, updatedAt: now)
    }

    public func delete(scope: String, key: String) async throws -> Bool {
        try await sql.raw(
            """
            DELETE FROM content_snippets WHERE store_id = \(bind: storeID) AND scope = \(bind: scope) AND snippet_key = \(bind: key)
            RETURNING scope
            """
        ).first() != nil
    }

    static func snippet(_ row: any SQLRow) throws -> Snippet {
        Snippet(
            scope: try row.requiredText("scope"), key: try row.requiredText("snippet_key"), title: try row.requiredText("title"),
            body: try row.requiredText("body"), updatedAt: try row.int("updated_at"))
    }
}
