import PatronCore
import SQLKit

/// The stored recommendation model of a store (one row, replaced by each refresh) and the merchant's
/// exclusions: products never to be recommended.
public struct RecommendationRepository: Sendable {
    public let sql: any SQLDatabase
    public let storeID: Int64

    public init(sql: any SQLDatabase, storeID: Int64) {
        self.sql = sql
        self.storeID = storeID
    }

    public struct StoredModel: Sendable {
        public var token: String
        public var run: Int64?
        public var builtAt: Int64
        public var items: Int64
        /// Base64 of the model's bytes.
        public var model: String

        public init(token: String, run: Int64?, builtAt: Int64, items: Int64, model: String) {
            self.token = token
            self.run = run
            self.builtAt = builtAt
            self.items = items
            self.model = model
        }
    }

    public func save(_ stored: StoredModel) async throws {
        try await sql.raw(
            """
            INSERT INTO recommendation_models (store_id, token, run, built_at, items, model)
            VALUES (\(bind: storeID), \(bind: stored.token), \(bind: stored.run), \(bind: stored.builtAt), \(bind: stored.items),
                \(bind: stored.model))
            ON CONFLICT (store_id) DO UPDATE SET token = excluded.token, run = excluded.run, built_at = excluded.built_at,
                items = excluded.items, model = excluded.model
            """
        ).run()
    }

    /// The current model's token: cheap to ask, changes whenever the model does.
    public func token() async throws -> String? {
        try await sql.raw("SELECT token FROM recommendation_models WHERE store_id = \(bind: storeID)").first()?.text("token")
    }

    public func load() async throws -> StoredModel? {
        guard
            let row = try await sql.raw(
                "SELECT token, run, built_at, items, model FROM recommendation_models WHERE store_id = \(bind: storeID)"
            ).first()
        else { return nil }
        return StoredModel(
            token: try row.requiredText("token"), run: try row.optionalInt("run"), builtAt: try row.int("built_at"),
            items: try row.int("items"), model: try row.requiredText("model"))
    }

    public func exclusions() async throws -> [(product: String, createdAt: Int64)] {
        try await sql.raw(
            """
            SELECT product_external_id, created_at FROM recommendation_exclusions WHERE store_id = \(bind: storeID)
            ORDER BY product_external_id
            """
        ).all().map { (try $0.requiredText("product_external_id"), try $0.int("created_at")) }
    }

    /// Returns false when the product was already excluded.
    @discardableResult
    public func exclude(product: String, now: Int64) async throws -> Bool {
        try await sql.raw(
            """
            INSERT INTO recommendation_exclusions (store_id, product_external_id, created_at)
            VALUES (\(bind: storeID), \(bind: product), \(bind: now)) ON CONFLICT DO NOTHING RETURNING created_at
            """
        ).first() != nil
    }

    /// Returns false when the product was not excluded.
    @discardableResult
    public func include(product: String) async throws -> Bool {
        try await sql.raw(
            """
            DELETE FROM recommendation_exclusions WHERE store_id = \(bind: storeID) AND product_external_id = \(bind: product)
            RETURNING created_at
            """
        ).first() != nil
    }
}
