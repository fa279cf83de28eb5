import Foundation
import Logging
import PatronCore
import PatronStore
import SQLKit

/// The queued work of flows: continuing runs after a wait, and the periodic scan for triggers that
/// come from the calendar and the analytics (birthdays, anniversaries, lapsed customers).
public enum FlowJobs {
    public static let scanKind = "flows.scan"

    public static func resumeHandler(database: Database, services: FlowServices, clock: @escaping @Sendable () -> Date)
        -> JobWorker.Handler
    {
        { job in
            guard let store = job.store, case .int(let run) = job.payload["run"] ?? .null else {
                throw PermanentJobError("a flow.resume job needs a store and a run")
            }
            try await FlowEngine.prepare(run: run, store: store, database: database, services: services)
            try await database.write(store: store) { sql in
                try await FlowEngine.resume(
                    run: run, writer: StoreWriter(sql: sql, storeID: store, now: clock()), services: services)
            }
        }
    }

    public static func scanHandler(database: Database, services: FlowServices, clock: @escaping @Sendable () -> Date)
        -> JobWorker.Handler
    {
        { job in
            guard let store = job.store else { throw PermanentJobError("a flows.scan job needs a store") }
            _ = try await FlowScanner(database: database, services: services, clock: clock).scan(store: store)
        }
    }

    /// Queues a scan of every store that has a scheduled flow switched on, once per `slot`.
    public static func enqueueScans(database: Database, slot: Int64, now: Int64) async throws {
        let stores = try await database.read { sql in
            try await sql.raw("SELECT DISTINCT store_id FROM flows WHERE enabled = 1").all().map { try $0.int("store_id") }
        }
        let queue = JobQueue(database: database)
        for store in stores {
            try await queue.enqueue(
                JobQueue.Enqueue(
                    kind: scanKind, store: store, runAt: now, dedupeKey: "\(scanKind):\(store):\(slot)", maxAttempts: 3),
                now: now)
        }
    }
}
