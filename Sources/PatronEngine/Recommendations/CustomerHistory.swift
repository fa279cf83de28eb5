import PatronAnalytics
import PatronCore
import PatronStore
import SQLKit

/// One customer's history as personal recommendations read it: every product they bought (latest
/// 2,000 lines), what they viewed, carted or wished for in the last 90 days, and what is on its way
/// to them (an order from the last 30 days with no delivered shipment).
struct CustomerHistory: Sendable {
    var purchases: [(product: String, at: Int64)] = []
    var interests: [(product: String, at: Int64, signal: PersonalRecommender.Signal)] = []
    var inTransit: Set<String> = []

    static let signals: [String: PersonalRecommender.Signal] = [
        "Product Viewed": .view, "Product Added": .cart, "Product Added to Wishlist": .wishlist,
    ]

    /// `now` in epoch milliseconds.
    static func load(customer: Int64, store: Int64, now: Int64, sql: any SQLDatabase) async throws -> CustomerHistory {
        var history = CustomerHistory()
        for row in try await sql.raw(
            """
            SELECT l.product_external_id, o.placed_at,
                (SELECT COUNT(*) FROM shipments s WHERE s.store_id = o.store_id AND s.order_external_id = o.external_id
                    AND s.delivered_at IS NOT NULL) AS delivered
            FROM orders o JOIN order_lines l ON l.order_id = o.id
            WHERE o.store_id = \(bind: store) AND o.customer_id = \(bind: customer) AND o.cancelled_at IS NULL
                AND o.is_placeholder = 0 AND o.financial_status <> 'voided' AND l.product_external_id IS NOT NULL
            ORDER BY o.placed_at DESC LIMIT 2000
            """
        ).all() {
            let product = try row.requiredText("product_external_id")
            let placedAt = try row.int("placed_at")
            history.purchases.append((product, placedAt))
            if placedAt > now - 30 * 86_400_000, try row.int("delivered") == 0 { history.inTransit.insert(product) }
        }
        for row in try await sql.raw(
            """
            SELECT type, occurred_at, product_ids FROM events
            WHERE store_id = \(bind: store) AND customer_id = \(bind: customer) AND occurred_at > \(bind: now - 90 * 86_400_000)
                AND type IN (\(binds: Array(signals.keys))) ORDER BY occurred_at DESC LIMIT 500
            """
        ).all() {
            guard let signal = signals[try row.requiredText("type")] else { continue }
            let products = (try? JSONParser.parse(try row.requiredText("product_ids")).arrayValue) ?? nil
            for product in products ?? [] {
                if let id = product.stringValue { history.interests.append((id, try row.int("occurred_at"), signal)) }
            }
        }
        return history
    }
}
