import PatronCore
import SQLKit

/// Reads of the outbox for the API and the CLI: messages newest first, and counts by state.
public struct MessageLog: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct Filter: Sendable {
        public var status: String?
        public var flow: String?
        public var customer: Int64?
        public var channel: String?
        public var reason: String?

        public init(
            status: String? = nil, flow: String? = nil, customer: Int64? = nil, channel: String? = nil, reason: String? = nil
        ) {
            self.status = status
            self.flow = flow
            self.customer = customer
            self.channel = channel
            self.reason = reason
        }

        public var isEmpty: Bool { status == nil && flow == nil && customer == nil && channel == nil && reason == nil }
    }

    public static let channels = ["email", "sms", "whatsapp", "webhook"]
    public static let statuses = ["queued", "sending", "sent", "failed", "suppressed"]

    static let columns: SQLQueryString = """
        id, customer_id, flow, flow_run_id, step, variant, topic, campaign_id, template, channel, purpose, context, dedupe_key, message_id, status, send_at, attempts,
        uncertain_sends, recipient, subject, reason, last_error, provider_response, created_at, sending_at, sent_at, opened_at,
        clicked_at, unsubscribed_at
        """

    /// One page, newest first; `before` is the cursor (an id) from the previous page.
    public func list(store: Int64, filter: Filter, limit: Int, before: Int64?) async throws -> Page {
        try await database.read { sql in
            var query: SQLQueryString = "SELECT \(Self.columns) FROM messages WHERE store_id = \(bind: store)"
            if let status = filter.status { query += " AND status = \(bind: status)" }
            if let flow = filter.flow { query += " AND flow = \(bind: flow)" }
            if let customer = filter.customer { query += " AND customer_id = \(bind: customer)" }
            if let channel = filter.channel { query += " AND channel = \(bind: channel)" }
            if let reason = filter.reason { query += " AND reason = \(bind: reason)" }
            if let before { query += " AND id < \(bind: before)" }
            query += " ORDER BY id DESC LIMIT \(unsafeRaw: String(limit + 1))"
            let rows = try await sql.raw(query).all()
            let items = try rows.prefix(limit).map(Self.document)
            let next = rows.count > limit ? items.last?["id"].flatMap { if case .int(let id) = $0 { id } else { nil } } : nil
            return Page(items: items, nextCursor: next)
        }
    }

    public func message(store: Int64, id: Int64) async throws -> JSONValue? {
        try await database.read { sql in
            try await sql.raw("SELECT \(Self.columns) FROM messages WHERE store_id = \(bind: store) AND id = \(bind: id)")
                .first().map(Self.document)
        }
    }

    /// Every reason the store's messages were suppressed or failed with, for a filter's choices: a walk
    /// from one distinct reason to the next on the (store, reason) index, so a few steps however many
    /// messages there are.
    public func reasons(store: Int64) async throws -> [String] {
        try await database.read { sql in
            try await sql.raw(
                """
                WITH RECURSIVE walk(reason) AS (
                    SELECT MIN(reason) FROM messages WHERE store_id = \(bind: store) AND reason IS NOT NULL
                    UNION ALL
                    SELECT (SELECT MIN(reason) FROM messages WHERE store_id = \(bind: store) AND reason > walk.reason)
                    FROM walk WHERE walk.reason IS NOT NULL)
                SELECT reason FROM walk WHERE reason IS NOT NULL
                """
            ).all().map { try $0.requiredText("reason") }
        }
    }

    /// Messages per state, and how many sends were interrupted with an unknown outcome.
    public func summary(store: Int64) async throws -> JSONValue {
        try await database.read { sql in
            var byStatus: [String: JSONValue] = ["queued": 0, "sending": 0, "sent": 0, "failed": 0, "suppressed": 0]
            var uncertain: Int64 = 0
            for row in try await sql.raw(
                """
                SELECT status, COUNT(*) AS n, CAST(COALESCE(SUM(uncertain_sends), 0) AS BIGINT) AS uncertain FROM messages
                WHERE store_id = \(bind: store) GROUP BY status
                """
            ).all() {
                byStatus[try row.requiredText("status")] = .int(try row.int("n"))
                uncertain += try row.optionalInt("uncertain") ?? 0
            }
            return ["byStatus": .object(byStatus), "uncertainSends": .int(uncertain)]
        }
    }

    static func document(_ row: any SQLRow) throws -> JSONValue {
        [
            "id": .int(try row.int("id")), "customerId": try row.intValue("customer_id"), "flow": try row.textValue("flow"),
            "flowRunId": try row.intValue("flow_run_id"), "step": try row.intValue("step"),
            "variant": try row.textValue("variant"),
            "topic": try row.textValue("topic"), "campaignId": try row.intValue("campaign_id"),
            "template": try row.textValue("template"), "channel": try row.textValue("channel"),
            "purpose": try row.textValue("purpose"), "context": try row.json("context", fallback: [:]),
            "dedupeKey": try row.textValue("dedupe_key"), "messageId": try row.textValue("message_id"),
            "status": try row.textValue("status"), "sendAt": try row.time("send_at"), "attempts": try row.intValue("attempts"),
            "uncertainSends": try row.intValue("uncertain_sends"), "recipient": try row.textValue("recipient"),
            "subject": try row.textValue("subject"), "reason": try row.textValue("reason"),
            "lastError": try row.textValue("last_error"), "providerResponse": try row.textValue("provider_response"),
            "createdAt": try row.time("created_at"), "sendingAt": try row.time("sending_at"), "sentAt": try row.time("sent_at"),
            "openedAt": try row.time("opened_at"), "clickedAt": try row.time("clicked_at"),
            "unsubscribedAt": try row.time("unsubscribed_at"),
        ]
    }
}
