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
        // The latest click of either channel within its window wins; an open counts only without a click.
        var best: (message: Int64, touch: String, at: Int64)?
        for (type, days) in [("Email Clicked", settings.emailClickDays), ("SMS Clicked", settings.smsClickDays)] where days > 0 {
            if let click = try await latest(type, customer: customer, placedAt: placedAt, days: days, writer: writer),
                click.at > (best?.at ?? .min)
            {
                best = (click.message, "click", click.at)
            }
        }
        if best == nil, settings.emailOpenDays > 0,
            let open = try await latest(
                "Email Opened", customer: customer, placedAt: placedAt, days: settings.emailOpenDays, writer: writer)
        {
            best = (open.message, "open", open.at)
        }
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

    /// The customer's latest event of `type` within `days` before the order, with the message it names.
    static func latest(_ type: String, customer: Int64, placedAt: Int64, days: Int64, writer: StoreWriter) async throws
        -> (message: Int64, at: Int64)?
    {
        guard
            let event = try await writer.sql.raw(
                """
                SELECT properties, occurred_at FROM events
                WHERE store_id = \(bind: writer.storeID) AND customer_id = \(bind: customer) AND type = \(bind: type)
                    AND occurred_at <= \(bind: placedAt) AND occurred_at >= \(bind: placedAt - days * 86_400_000)
                ORDER BY occurred_at DESC, id DESC LIMIT 1
                """
            ).first(),
            case .int(let message) = try event.json("properties", fallback: [:])["messageId"] ?? .null
        else { return nil }
        return (message, try event.int("occurred_at"))
    }
}
