import PatronCore
import SQLKit

/// What shoppers do with messages (opens, clicks, unsubscribes, preference changes), recorded as
/// events of the customer with the message they came from, so they join the timeline and attribution.
extension StoreWriter {
    /// Records an event Patron observed itself; `dedupeKey` makes a repeat (a second open) a no-op.
    /// Returns false for a repeat or a customer that no longer exists.
    @discardableResult
    public func recordEngagement(type: String, customerId: Int64, dedupeKey: String, properties: JSONValue) async throws
        -> Bool
    {
        guard
            try await sql.raw("SELECT id FROM customers WHERE id = \(bind: customerId) AND store_id = \(bind: storeID)").first()
                != nil
        else { return false }
        let recorded =
            try await sql.raw(
                """
                INSERT INTO events (store_id, customer_id, type, message_id, occurred_at, received_at, source, properties)
                VALUES (\(bind: storeID), \(bind: customerId), \(bind: type), \(bind: dedupeKey), \(bind: now), \(bind: now), 'patron',
                    \(bind: properties.serialized()))
                ON CONFLICT (store_id, message_id) DO NOTHING RETURNING id
                """
            ).first() != nil
        if recorded, let column = Self.messageEngagementColumns[type], case .int(let message)? = properties["messageId"] {
            try await sql.raw(
                """
                UPDATE messages SET \(unsafeRaw: column) = COALESCE(\(unsafeRaw: column), \(bind: now))
                WHERE id = \(bind: message) AND store_id = \(bind: storeID)
                """
            ).run()
        }
        return recorded
    }

    /// The message column that keeps when an engagement of each type first happened.
    static let messageEngagementColumns = [
        "Email Opened": "opened_at", "Email Clicked": "clicked_at", "SMS Clicked": "clicked_at",
        "Unsubscribed": "unsubscribed_at",
    ]

    /// The flow and campaign a message belongs to, for the event properties.
    public func messageOrigin(_ messageId: Int64) async throws -> JSONValue {
        guard
            let row = try await sql.raw(
                "SELECT flow, campaign_id, variant, channel FROM messages WHERE id = \(bind: messageId) AND store_id = \(bind: storeID)"
            ).first()
        else { return ["messageId": .int(messageId)] }
        return .compactObject([
            "messageId": .int(messageId), "flow": try row.text("flow").map(JSONValue.string),
            "campaignId": try row.optionalInt("campaign_id").map(JSONValue.int),
            "variant": try row.text("variant").map(JSONValue.string), "channel": try row.text("channel").map(JSONValue.string),
        ])
    }

    /// Topic choices from the preference centre.
    public func setTopicPreferences(_ choices: [String: Bool], channel: String, customerId: Int64) async throws {
        for (topic, subscribed) in choices {
            try await sql.raw(
                """
                INSERT INTO topic_preferences (store_id, customer_id, channel, topic, subscribed, updated_at)
                VALUES (\(bind: storeID), \(bind: customerId), \(bind: channel), \(bind: topic), \(bind: subscribed ? 1 : 0), \(bind: now))
                ON CONFLICT (store_id, customer_id, channel, topic) DO UPDATE SET subscribed = excluded.subscribed,
                    updated_at = excluded.updated_at
                """
            ).run()
        }
    }
}

public enum TopicPreferences {
    /// Topics the customer opted out of on `channel`.
    public static func optedOut(customerId: Int64, channel: String, store: Int64, in sql: any SQLDatabase) async throws
        -> Set<String>
    {
        Set(
            try await sql.raw(
                """
                SELECT topic FROM topic_preferences WHERE store_id = \(bind: store) AND customer_id = \(bind: customerId)
                    AND channel = \(bind: channel) AND subscribed = 0
                """
            ).all().map { try $0.requiredText("topic") })
    }
}
