import PatronCore
import SQLKit

/// A recorded analytics refresh of a store.
public struct AnalyticsRun: Sendable {
    public var id: Int64
    public var reason: String
    public var status: String
    public var startedAt: Int64
    public var finishedAt: Int64?
    public var currency: String?
    /// Models, KPIs, RFM grid and cohorts as computed by the run.
    public var summary: JSONValue?
    public var error: String?
}

/// The log of analytics refreshes, one row per run.
public struct AnalyticsRunRepository {
    public let sql: any SQLDatabase
    public let storeID: Int64

    public init(sql: any SQLDatabase, storeID: Int64) {
        self.sql = sql
        self.storeID = storeID
    }

    /// Records a run as started. It also notes the newest event id of the whole database, so the
    /// schedule can later ask "any new event for this store?" with a short primary-key range scan.
    public func start(reason: String, now: Int64) async throws -> Int64 {
        let highWater = try await sql.raw("SELECT MAX(id) AS high FROM events").first()?.optionalInt("high") ?? 0
        let row = try await sql.raw(
            """
            INSERT INTO analytics_runs (store_id, reason, status, started_at, event_high_water)
            VALUES (\(bind: storeID), \(bind: reason), 'running', \(bind: now), \(bind: highWater)) RETURNING id
            """
        ).first()
        return try row?.int("id") ?? 0
    }

    public func finish(run: Int64, currency: String?, summary: JSONValue, now: Int64) async throws {
        try await sql.raw(
            """
            UPDATE analytics_runs SET status = 'succeeded', finished_at = \(bind: now), currency = \(bind: currency),
                summary = \(bind: summary.serialized())
            WHERE store_id = \(bind: storeID) AND id = \(bind: run)
            """
        ).run()
    }

    public func fail(run: Int64, error: String, now: Int64) async throws {
        try await sql.raw(
            """
            UPDATE analytics_runs SET status = 'failed', finished_at = \(bind: now), error = \(bind: error)
            WHERE store_id = \(bind: storeID) AND id = \(bind: run)
            """
        ).run()
    }

    /// True when a run started after `run` has already succeeded.
    public func newerSucceeded(than run: Int64) async throws -> Bool {
        try await sql.raw(
            """
            SELECT id FROM analytics_runs WHERE store_id = \(bind: storeID) AND status = 'succeeded' AND id > \(bind: run)
            LIMIT 1
            """
        ).first() != nil
    }

    public func supersede(run: Int64, now: Int64) async throws {
        try await sql.raw(
            """
            UPDATE analytics_runs SET status = 'superseded', finished_at = \(bind: now),
                error = 'a refresh that started later committed first'
            WHERE store_id = \(bind: storeID) AND id = \(bind: run)
            """
        ).run()
    }

    /// The newest run that succeeded, with its summary.
    public func latestSucceeded() async throws -> AnalyticsRun? {
        try await sql.raw(
            """
            SELECT * FROM analytics_runs WHERE store_id = \(bind: storeID) AND status = 'succeeded' ORDER BY id DESC LIMIT 1
            """
        ).first().map(Self.run)
    }

    /// The successful run before `run`, to show what moved since.
    public func succeeded(before run: Int64) async throws -> AnalyticsRun? {
        try await sql.raw(
            """
            SELECT * FROM analytics_runs WHERE store_id = \(bind: storeID) AND status = 'succeeded' AND id < \(bind: run)
            ORDER BY id DESC LIMIT 1
            """
        ).first().map(Self.run)
    }

    public func latest() async throws -> AnalyticsRun? {
        try await sql.raw("SELECT * FROM analytics_runs WHERE store_id = \(bind: storeID) ORDER BY id DESC LIMIT 1").first()
            .map(Self.run)
    }

    /// Marks runs left `running` by a process that died as failed, so they never look current.
    public func abandonStale(olderThan cutoff: Int64, now: Int64) async throws {
        try await sql.raw(
            """
            UPDATE analytics_runs SET status = 'failed', finished_at = \(bind: now), error = 'abandoned: the process stopped'
            WHERE store_id = \(bind: storeID) AND status = 'running' AND started_at < \(bind: cutoff)
            """
        ).run()
    }

    static func run(_ row: any SQLRow) throws -> AnalyticsRun {
        AnalyticsRun(
            id: try row.int("id"), reason: try row.requiredText("reason"), status: try row.requiredText("status"),
            startedAt: try row.int("started_at"), finishedAt: try row.optionalInt("finished_at"),
            currency: try row.text("currency"),
            summary: try row.text("summary").flatMap { try? JSONParser.parse($0) }, error: try row.text("error"))
    }
}

extension AnalyticsRunRepository {
    /// True when the store has customers, orders, events or segments newer than its last successful
    /// refresh, or that refresh is older than `maximumAge` milliseconds (time alone moves recency,
    /// P(alive) and rules such as `last_order_at < now - 90d`), or it was never refreshed.
    public func needsRefresh(now: Int64, maximumAge: Int64 = 86_400_000) async throws -> Bool {
        guard
            let last = try await sql.raw(
                """
                SELECT started_at, event_high_water FROM analytics_runs
                WHERE store_id = \(bind: storeID) AND status = 'succeeded' ORDER BY id DESC LIMIT 1
                """
            ).first()
        else { return true }
        let lastRun = try last.int("started_at")
        if now - lastRun >= maximumAge { return true }
        let highWater = try last.optionalInt("event_high_water") ?? 0
        let row = try await sql.raw(
            """
            SELECT
                (SELECT MAX(updated_at) FROM orders WHERE store_id = \(bind: storeID)) AS orders_changed,
                (SELECT MAX(updated_at) FROM customers WHERE store_id = \(bind: storeID)) AS customers_changed,
                (SELECT MAX(updated_at) FROM segments WHERE store_id = \(bind: storeID)) AS segments_changed,
                (SELECT MIN(id) FROM events WHERE id > \(bind: highWater) AND store_id = \(bind: storeID)
                    AND source <> 'patron') AS new_event
            """
        ).first()
        guard let row else { return false }
        let changed = [
            try row.optionalInt("orders_changed"), try row.optionalInt("customers_changed"),
            try row.optionalInt("segments_changed"),
        ].compactMap { $0 }
        let newEvent = try row.optionalInt("new_event")
        return changed.contains { $0 >= lastRun } || newEvent != nil
    }
}
