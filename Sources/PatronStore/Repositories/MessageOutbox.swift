import PatronCore
import SQLKit

/// A message to send, as written into the outbox in the same transaction as its cause.
public struct NewMessage: Sendable {
    public var store: Int64
    public var customer: Int64?
    public var flow: String?
    public var template: String
    public var channel: String
    public var purpose: String
    /// What the message is about (`{"orderId": 12}`, `{"shipmentId": 3, "status": "delivered"}`).
    public var context: JSONValue
    /// Unique per store: the same cause never queues a second message.
    public var dedupeKey: String
    public var messageId: String
    public var sendAt: Int64
    public var flowRun: Int64?
    public var step: Int64?
    public var variant: String?
    public var topic: String?
    public var campaign: Int64?

    public init(
        store: Int64, customer: Int64?, flow: String?, template: String, channel: String, purpose: String,
        context: JSONValue, dedupeKey: String, messageId: String, sendAt: Int64, flowRun: Int64? = nil, step: Int64? = nil,
        variant: String? = nil, topic: String? = nil, campaign: Int64? = nil
    ) {
        self.flowRun = flowRun
        self.step = step
        self.variant = variant
        self.topic = topic
        self.campaign = campaign
        self.store = store
        self.customer = customer
        self.flow = flow
        self.template = template
        self.channel = channel
        self.purpose = purpose
        self.context = context
        self.dedupeKey = dedupeKey
        self.messageId = messageId
        self.sendAt = sendAt
    }
}

/// A message leased to one delivery worker.
public struct OutboxMessage: Sendable, Equatable {
    public var id: Int64
    public var store: Int64
    public var customer: Int64?
    public var flow: String?
    public var template: String
    public var channel: String
    public var purpose: String
    public var topic: String?
    public var context: JSONValue
    public var messageId: String
    /// "queued", or "sending" when an earlier attempt was interrupted before it was recorded as sent.
    public var status: String
    public var attempts: Int64
    public var leaseOwner: String

    public init(
        id: Int64, store: Int64, customer: Int64?, flow: String?, template: String, channel: String, purpose: String,
        topic: String? = nil, context: JSONValue, messageId: String, status: String, attempts: Int64, leaseOwner: String
    ) {
        self.topic = topic
        self.id = id
        self.store = store
        self.customer = customer
        self.flow = flow
        self.template = template
        self.channel = channel
        self.purpose = purpose
        self.context = context
        self.messageId = messageId
        self.status = status
        self.attempts = attempts
        self.leaseOwner = leaseOwner
    }
}

/// The message outbox and its delivery state machine: `queued` until due and leased, `sending` from just
/// before the hand-over to the relay until the relay's answer is recorded as `sent`, `failed` or
/// `suppressed` (a guardrail said no). A `sending` row whose lease expired was interrupted: nobody knows
/// whether the relay took it, so it is counted in `uncertain_sends`.
public struct MessageOutbox: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Queues a message unless its dedupe key is taken; returns the new id or nil for a duplicate.
    @discardableResult
    public static func enqueue(_ message: NewMessage, now: Int64, in sql: any SQLDatabase) async throws -> Int64? {
        try await sql.raw(
            """
            INSERT INTO messages (store_id, customer_id, flow, flow_run_id, step, variant, topic, campaign_id, template, channel,
                purpose, context, dedupe_key, message_id, status, send_at, created_at, updated_at)
            VALUES (\(bind: message.store), \(bind: message.customer), \(bind: message.flow), \(bind: message.flowRun),
                \(bind: message.step), \(bind: message.variant), \(bind: message.topic), \(bind: message.campaign), \(bind: message.template),
                \(bind: message.channel), \(bind: message.purpose), \(bind: message.context.serialized()),
                \(bind: message.dedupeKey), \(bind: message.messageId), 'queued', \(bind: message.sendAt), \(bind: now), \(bind: now))
            ON CONFLICT (store_id, dedupe_key) DO NOTHING RETURNING id
            """
        ).first()?.int("id")
    }

    /// Leases up to `limit` due messages to `owner`: queued ones whose time has come and interrupted sends
    /// (`sending` with an expired lease). Disjoint between concurrent workers (`SKIP LOCKED` on
    /// PostgreSQL, the single writer on SQLite).
    public func claim(owner: String, now: Int64, leaseMilliseconds: Int64, limit: Int) async throws -> [OutboxMessage] {
        let skipLocked: SQLQueryString = database.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await database.write { sql in
            try await sql.raw(
                """
                UPDATE messages SET lease_owner = \(bind: owner), lease_until = \(bind: now + leaseMilliseconds),
                    updated_at = \(bind: now)
                WHERE id IN (
                    SELECT id FROM messages
                    WHERE (status = 'queued' AND send_at <= \(bind: now) AND (lease_until IS NULL OR lease_until < \(bind: now)))
                       OR (status = 'sending' AND lease_until < \(bind: now))
                    ORDER BY send_at, id LIMIT \(unsafeRaw: String(max(1, limit)))\(skipLocked))
                RETURNING id, store_id, customer_id, flow, template, channel, purpose, topic, context, message_id, status, attempts
                """
            ).all().map { row in
                OutboxMessage(
                    id: try row.int("id"), store: try row.int("store_id"), customer: try row.optionalInt("customer_id"),
                    flow: try row.text("flow"), template: try row.requiredText("template"),
                    channel: try row.requiredText("channel"), purpose: try row.requiredText("purpose"),
                    topic: try row.text("topic"), context: try row.json("context", fallback: [:]),
                    messageId: try row.requiredText("message_id"),
                    status: try row.requiredText("status"), attempts: try row.int("attempts"), leaseOwner: owner)
            }.sorted { $0.id < $1.id }
        }
    }

    /// Counts an earlier attempt that stopped between `sending` and its result as uncertain and puts the
    /// message back to `queued` (still leased), so what happens next is decided afresh. False when the
    /// lease was lost.
    public func recordInterruption(_ message: OutboxMessage, now: Int64) async throws -> Bool {
        try await update(message, "status = 'queued', uncertain_sends = uncertain_sends + 1", now: now)
    }

    /// Records that the hand-over starts now. False when the lease was lost (another worker has the message).
    public func markSending(_ message: OutboxMessage, recipient: String, subject: String?, now: Int64) async throws -> Bool {
        try await update(
            message,
            """
            status = 'sending', sending_at = \(bind: now), attempts = attempts + 1, recipient = \(bind: recipient),
            subject = \(bind: subject)
            """, now: now)
    }

    public func markSent(_ message: OutboxMessage, response: String, now: Int64) async throws -> Bool {
        try await update(
            message,
            """
            status = 'sent', sent_at = \(bind: now), provider_response = \(bind: String(response.prefix(500))),
            lease_owner = NULL, lease_until = NULL, last_error = NULL
            """, now: now)
    }

    /// A guardrail stopped the message for good (`reason` says which).
    public func markSuppressed(_ message: OutboxMessage, reason: String, now: Int64) async throws -> Bool {
        try await update(
            message, "status = 'suppressed', reason = \(bind: reason), lease_owner = NULL, lease_until = NULL", now: now)
    }

    /// The message cannot be sent (refused by the relay, bad template, attempts used up, or an interrupted
    /// marketing send that is never repeated).
    public func markFailed(_ message: OutboxMessage, reason: String, error: String?, uncertain: Bool = false, now: Int64)
        async throws -> Bool
    {
        try await update(
            message,
            """
            status = 'failed', reason = \(bind: reason), last_error = \(bind: error.map { String($0.prefix(2_000)) }),
            uncertain_sends = uncertain_sends + \(bind: uncertain ? 1 : 0), lease_owner = NULL, lease_until = NULL
            """, now: now)
    }

    /// A transient failure: queued again for `at`, with `attempts` used so far. `uncertain` when the relay
    /// may have taken the message anyway (the connection broke after the content was sent).
    public func reschedule(
        _ message: OutboxMessage, at: Int64, error: String, attempts: Int64, uncertain: Bool, now: Int64
    ) async throws -> Bool {
        try await update(
            message,
            """
            status = 'queued', send_at = \(bind: at), last_error = \(bind: String(error.prefix(2_000))),
            attempts = \(bind: attempts), uncertain_sends = uncertain_sends + \(bind: uncertain ? 1 : 0),
            lease_owner = NULL, lease_until = NULL
            """, now: now)
    }

    private func update(_ message: OutboxMessage, _ assignments: SQLQueryString, now: Int64) async throws -> Bool {
        try await database.write { sql in
            try await sql.raw(
                """
                UPDATE messages SET \(assignments), updated_at = \(bind: now)
                WHERE id = \(bind: message.id) AND lease_owner = \(bind: message.leaseOwner)
                    AND status IN ('queued', 'sending') RETURNING id
                """
            ).first() != nil
        }
    }
}
