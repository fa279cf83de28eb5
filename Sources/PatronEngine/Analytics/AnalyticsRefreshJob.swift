import Foundation
import PatronCore
import PatronStore

/// Lets one refresh per store run at a time in this process (on demand or from the queue).
public actor RefreshGate {
    private var running: Set<Int64> = []

    public init() {}

    public func enter(_ store: Int64) -> Bool {
        running.insert(store).inserted
    }

    public func leave(_ store: Int64) {
        running.remove(store)
    }
}

/// Analytics refreshes as queued jobs, so any worker process can take them and one store is never
/// refreshed twice for the same reason: the dedupe key names the store and the schedule slot.
public enum AnalyticsRefreshJob {
    public static let kind = "analytics.refresh"

    @discardableResult
    public static func enqueue(store: Int64, slot: Int64, now: Int64, queue: JobQueue) async throws -> Bool {
        try await queue.enqueue(
            JobQueue.Enqueue(
                kind: kind, store: store, payload: ["reason": "schedule"], runAt: now,
                dedupeKey: "\(kind):\(store):\(slot)", maxAttempts: 5),
            now: now) != nil
    }

    /// The handler: refreshes the job's store, or asks for a retry when this process is already
    /// refreshing it.
    public static func handler(refresher: AnalyticsRefresher, gate: RefreshGate) -> JobWorker.Handler {
        { job in
            guard let store = job.store else { throw PermanentJobError("an analytics refresh job needs a store") }
            guard await gate.enter(store) else {
                throw RefreshBusy(store: store)
            }
            do {
                _ = try await refresher.refresh(store: store, reason: job.payload["reason"]?.stringValue ?? "job")
                await gate.leave(store)
            } catch {
                await gate.leave(store)
                throw error
            }
        }
    }

    struct RefreshBusy: Error, CustomStringConvertible {
        let store: Int64
        var description: String { "store \(store) is already being refreshed by this process" }
    }
}
