import PatronCore
import SQLKit

/// A leased unit of background work.
public struct Job: Sendable, Equatable {
    public var id: Int64
    public var store: Int64?
    public var kind: String
    public var payload: JSONValue
    /// Attempts so far, this one included.
    public var attempts: Int64
    public var maxAttempts: Int64
    public var runAt: Int64
    public var leaseOwner: String
}

/// The durable job queue on both engines. Claiming is one `UPDATE ... RETURNING` over the due jobs:
/// on PostgreSQL the candidate rows are picked `FOR UPDATE SKIP LOCKED`, so concurrent workers in
/// many processes take disjoint jobs without waiting on each other; on SQLite the write transaction
/// (`BEGIN IMMEDIATE` behind the single writer) makes the claim exclusive. A job is finished or
/// rescheduled only by the worker that still holds its lease.
public struct JobQueue: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct Enqueue: Sendable {
        public var kind: String
        public var store: Int64?
        public var payload: JSONValue
        public var runAt: Int64
        /// Unique across the queue when set: enqueueing the same key twice leaves one job.
        public var dedupeKey: String?
        public var maxAttempts: Int64

        public init(
            kind: String, store: Int64? = nil, payload: JSONValue = [:], runAt: Int64, dedupeKey: String? = nil,
            maxAttempts: Int64 = 10
        ) {
            self.kind = kind
            self.store = store
            self.payload = payload
            self.runAt = runAt
            self.dedupeKey = dedupeKey
            self.maxAttempts = maxAttempts
        }
    }

    /// Adds a job, or does nothing when its dedupe key is taken. Returns the new job's id, or nil for a
    /// duplicate. Runs inside the caller's transaction when given `sql`, so a job can be enqueued
    /// atomically with the write that caused it (the outbox pattern).
    @discardableResult
    public static func enqueue(_ job: Enqueue, now: Int64, in sql: any SQLDatabase) async throws -> Int64? {
        try await sql.raw(
            """
            INSERT INTO jobs (store_id, kind, payload, dedupe_key, status, run_at, max_attempts, created_at, updated_at)
            VALUES (\(bind: job.store), \(bind: job.kind), \(bind: job.payload.serialized()), \(bind: job.dedupeKey),
                'queued', \(bind: job.runAt), \(bind: job.maxAttempts), \(bind: now), \(bind: now))
            ON CONFLICT (dedupe_key) DO NOTHING RETURNING id
            """
        ).first()?.int("id")
    }

    @discardableResult
    public func enqueue(_ job: Enqueue, now: Int64) async throws -> Int64? {
        try await database.write { try await Self.enqueue(job, now: now, in: $0) }
    }

    /// Leases up to `limit` due jobs (queued with `run_at <= now`, or running with an expired lease) to
    /// `owner` until `now + leaseMilliseconds`, oldest first. Jobs whose lease expired on their last
    /// attempt are marked failed instead.
    public func claim(owner: String, now: Int64, leaseMilliseconds: Int64, limit: Int, kinds: [String]? = nil) async throws
        -> [Job]
    {
        let skipLocked: SQLQueryString = database.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        var kindFilter: SQLQueryString = ""
        if let kinds, !kinds.isEmpty {
            kindFilter = " AND kind IN ("
            for (position, kind) in kinds.enumerated() { kindFilter += position == 0 ? "\(bind: kind)" : ", \(bind: kind)" }
            kindFilter += ")"
        }
        return try await database.write { sql in
            try await sql.raw(
                """
                UPDATE jobs SET status = 'failed', finished_at = \(bind: now), updated_at = \(bind: now),
                    last_error = 'the lease expired on the last attempt (the worker stopped or took too long)'
                WHERE id IN (
                    SELECT id FROM jobs WHERE status = 'running' AND lease_until < \(bind: now) AND attempts >= max_attempts
                    \(kindFilter) LIMIT 1000\(skipLocked))
                """
            ).run()
            let rows = try await sql.raw(
                """
                UPDATE jobs SET status = 'running', lease_owner = \(bind: owner),
                    lease_until = \(bind: now + leaseMilliseconds), attempts = attempts + 1, updated_at = \(bind: now)
                WHERE id IN (
                    SELECT id FROM jobs
                    WHERE ((status = 'queued' AND run_at <= \(bind: now)) OR (status = 'running' AND lease_until < \(bind: now)))
                    \(kindFilter)
                    ORDER BY run_at, id LIMIT \(unsafeRaw: String(max(1, limit)))\(skipLocked))
                RETURNING id, store_id, kind, payload, attempts, max_attempts, run_at
                """
            ).all()
            return try rows.map { row in
                Job(
                    id: try row.int("id"), store: try row.optionalInt("store_id"), kind: try row.requiredText("kind"),
                    payload: (try? JSONParser.parse(try row.requiredText("payload"))) ?? .object([:]),
                    attempts: try row.int("attempts"), maxAttempts: try row.int("max_attempts"), runAt: try row.int("run_at"),
                    leaseOwner: owner)
            }.sorted { ($0.runAt, $0.id) < ($1.runAt, $1.id) }
        }
    }

    /// Marks a job done. False when `owner` no longer holds its lease (it expired and another worker
    /// took the job), in which case nothing changes.
    @discardableResult
    public func complete(_ job: Job, now: Int64) async throws -> Bool {
        try await database.write { sql in
            try await sql.raw(
                """
                UPDATE jobs SET status = 'done', finished_at = \(bind: now), updated_at = \(bind: now), lease_until = NULL
                WHERE id = \(bind: job.id) AND status = 'running' AND lease_owner = \(bind: job.leaseOwner) RETURNING id
                """
            ).first() != nil
        }
    }

    /// Records a failed attempt: back to `queued` at `retryAt`, or `failed` for good when `retryAt` is nil
    /// or the job has no attempts left. False when `owner` no longer holds the lease.
    @discardableResult
    public func fail(_ job: Job, error: String, retryAt: Int64?, now: Int64) async throws -> Bool {
        let retry = retryAt.flatMap { job.attempts < job.maxAttempts ? $0 : nil }
        let status = retry == nil ? "failed" : "queued"
        return try await database.write { sql in
            try await sql.raw(
                """
                UPDATE jobs SET status = \(bind: status), run_at = \(bind: retry ?? job.runAt),
                    last_error = \(bind: String(error.prefix(2_000))), lease_owner = NULL, lease_until = NULL,
                    updated_at = \(bind: now), finished_at = \(bind: retry == nil ? now : nil)
                WHERE id = \(bind: job.id) AND status = 'running' AND lease_owner = \(bind: job.leaseOwner) RETURNING id
                """
            ).first() != nil
        }
    }

    /// Extends a lease for a long job. False when the lease was already lost.
    @discardableResult
    public func extendLease(_ job: Job, until: Int64) async throws -> Bool {
        try await database.write { sql in
            try await sql.raw(
                """
                UPDATE jobs SET lease_until = \(bind: until)
                WHERE id = \(bind: job.id) AND status = 'running' AND lease_owner = \(bind: job.leaseOwner) RETURNING id
                """
            ).first() != nil
        }
    }

    /// Jobs per status, for metrics and the CLI.
    public func counts() async throws -> [String: Int64] {
        try await database.read { sql in
            var counts: [String: Int64] = [:]
            for row in try await sql.raw("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status").all() {
                counts[try row.requiredText("status")] = try row.int("n")
            }
            return counts
        }
    }
}
