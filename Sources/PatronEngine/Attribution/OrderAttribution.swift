import Foundation
import PatronCore
import PatronStore
import SQLKit

/// Ties a new order to the message that brought it (last touch): the customer's latest email click
/// within the click window before the order, else their latest open within the open window. Written
/// in the order's own transaction, once per order.
enum OrderAttribution {
    static func attribute(orderId: Int64, writer: StoreWriter) async throws {
        guard
            let order = try await writer.sql.raw(
                "SELECT customer_id, placed_at, total, currency FROM orders WHERE id = \(bind: orderId)"
            ).first(),
            let customer = try order.optionalInt("customer_id")
        else { return }
        let placedAt = try order.int("placed_at")
        let settings = try await MessagingSettings.load(store: writer.storeID, in: writer.sql)
        let touches: [(type: String, touch: String, days: Int64)] = [
            ("Email Clicked", "click", settings.emailClickDays), ("SMS Clicked", "click", settings.smsClickDays),
            ("Email Opened", "open", settings.emailOpenDays),
        ]
        for candidate in touches where candidate.days > 0 {
            guard
                let event = try await writer.sql.raw(
                    """
                    SELECT properties, occurred_at FROM events
                    WHERE store_id = \(bind: writer.storeID) AND customer_id = \(bind: customer) AND type = \(bind: candidate.type)
                        AND occurred_at <= \(bind: placedAt) AND occurred_at >= \(bind: placedAt - candidate.days * 86_400_000)
                    ORDER BY occurred_at DESC, id DESC LIMIT 1
                    """
                ).first(),
                case .int(let message) = try event.json("properties", fallback: [:])["messageId"] ?? .null,
                let origin = try await writer.sql.raw(
                    "SELECT flow, campaign_id, variant FROM messages WHERE id = \(bind: message) AND store_id = \(bind: writer.storeID)"
                ).first()
            else { continue }
            try await writer.sql.raw(
                """
                INSERT INTO attributions (store_id, order_id, message_id, flow, campaign_id, variant, touch, revenue, currency,
                    touched_at, attributed_at)
                VALUES (\(bind: writer.storeID), \(bind: orderId), \(bind: message), \(bind: try origin.text("flow")),
                    \(bind: try origin.optionalInt("campaign_id")), \(bind: try origin.text("variant")), \(bind: candidate.touch),
                    \(bind: try order.int("total")), \(bind: try order.requiredText("currency")), \(bind: try event.int("occurred_at")),
                    \(bind: writer.now))
                ON CONFLICT (store_id, order_id) DO NOTHING
                """
            ).run()
            return
        }
    }
}
