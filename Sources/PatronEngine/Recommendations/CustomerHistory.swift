import PatronAnalytics
import PatronCore
import PatronStore
import SQLKit

/// One customer's history as personal recommendations read it: the products of their latest orders
/// (``PersonalRecommender/historyOrders`` and ``PersonalRecommender/historyLines``), what they viewed,
/// carted or wished for in the last 90 days, and what is on its way to them (an order from the last
/// 30 days with no delivered shipment).
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
        // One statement for both halves: each query is a round trip to the database thread.
        for row in try await sql.raw(
            """
            SELECT * FROM (
                SELECT 'purchase' AS kind, l.product_external_id AS value, o.placed_at AS at,
                    CASE WHEN o.placed_at > \(bind: now - 30 * 86_400_000) THEN
                        (SELECT COUNT(*) FROM shipments s WHERE s.store_id = o.store_id
                            AND s.order_external_id = o.external_id
                            AND (s.delivered_at IS NOT NULL OR s.status = 'delivered'))
                    ELSE 1 END AS delivered
                FROM orders o JOIN order_lines l ON l.order_id = o.id
                WHERE o.id IN (
                        SELECT id FROM orders WHERE store_id = \(bind: store) AND customer_id = \(bind: customer)
                            AND cancelled_at IS NULL AND is_placeholder = 0 AND financial_status <> 'voided'
                        ORDER BY placed_at DESC LIMIT \(literal: PersonalRecommender.historyOrders))
                    AND l.product_external_id IS NOT NULL
                ORDER BY o.placed_at DESC, o.id DESC LIMIT \(literal: PersonalRecommender.historyLines)) purchases
            UNION ALL
            SELECT * FROM (
                SELECT type AS kind, product_ids AS value, occurred_at AS at, 1 AS delivered FROM events
                WHERE store_id = \(bind: store) AND customer_id = \(bind: customer)
                    AND occurred_at > \(bind: now - 90 * 86_400_000) AND type IN (\(binds: Array(signals.keys)))
                ORDER BY occurred_at DESC LIMIT 500) interests
            """
        ).all() {
            let kind = try row.requiredText("kind")
            let value = try row.requiredText("value")
            let at = try row.int("at")
            if kind == "purchase" {
                history.purchases.append((value, at))
                if try row.int("delivered") == 0 { history.inTransit.insert(value) }
            } else if let signal = signals[kind] {
                let products = (try? JSONParser.parse(value).arrayValue) ?? nil
                for product in products ?? [] {
                    if let id = product.stringValue { history.interests.append((id, at, signal)) }
                }
            }
        }
        return history
    }
}
