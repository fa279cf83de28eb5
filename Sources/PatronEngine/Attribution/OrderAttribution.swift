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
        let windows: [String: Int64] = [
            "Email Clicked": settings.emailClickDays, "SMS Clicked": settings.smsClickDays,
            "Email Opened": settings.emailOpenDays,
        ]
        let longest = windows.values.max() ?? 0
        guard longest > 0 else { return }
        // One query for every touch in the longest window; the latest click within its channel's window
        // wins, and an open counts only when there is no click.
        var click: (message: Int64, at: Int64)?
        var open: (message: Int64, at: Int64)?
        for row in try await writer.sql.raw(
            """
            SELECT type, properties, occurred_at FROM events
            WHERE store_id = \(bind: writer.storeID) AND customer_id = \(bind: customer)
                AND type IN ('Email Clicked', 'SMS Clicked', 'Email Opened')
                AND occurred_at <= \(bind: placedAt) AND occurred_at >= \(bind: placedAt - longest * 86_400_000)
            ORDER BY occurred_at DESC, id DESC LIMIT 200
            """
        ).all() {
            let type = try row.requiredText("type")
            let at = try row.int("occurred_at")
            guard at >= placedAt - (windows[type] ?? 0) * 86_400_000,
                case .int(let message) = try row.json("properties", fallback: [:])["messageId"] ?? .null
            else { continue }
            if type == "Email Opened" {
                if open == nil { open = (message, at) }
            } else if click == nil {
                click = (message, at)
            }
        }
        let best: (message: Int64, touch: String, at: Int64)? =
            click.map { ($0.message, "click", $0.at) } ?? open.map { ($0.message, "open", $0.at) }
        guard let best,
            let origin = try await writer.sql.raw(
                "SELECT flow, campaign_id, variant FROM messages WHERE id = \(bind: best.message) AND store_id = \(bind: writer.storeID)"
            ).first()
        else { return }
        let (message, touch) = (best.message, best.touch)
        try await writer.sql.raw(
            """
            INSERT INTO attributions (store_id, order_id, message_id, flow, campaign_id, variant, touch, revenue, currency,
                touched_at, attributed_at)
            VALUES (\(bind: writer.storeID), \(bind: orderId), \(bind: message), \(bind: try origin.text("flow")),
                \(bind: try origin.optionalInt("campaign_id")), \(bind: try origin.text("variant")), \(bind: touch),
                \(bind: try order.int("total")), \(bind: try order.requiredText("currency")), \(bind: best.at),
                \(bind: writer.now))
            ON CONFLICT (store_id, order_id) DO NOTHING
            """
        ).run()
    }
}
