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

    /// Runs `refresh` unless this process is refreshing `store` already (nil then).
    public nonisolated func runUnlessBusy<T: Sendable>(_ store: Int64, _ refresh: @Sendable () async throws -> T)
        async throws -> T?
    {
        guard await enter(store) else { return nil }
        do {
            let result = try await refresh()
            await leave(store)
            return result
        } catch {
            await leave(store)
            throw error
        }
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
            let reason = job.payload["reason"]?.stringValue ?? "job"
            guard try await gate.runUnlessBusy(store, { try await refresher.refresh(store: store, reason: reason) }) != nil
            else { throw RefreshBusy(store: store) }
        }
    }

    struct RefreshBusy: Error, CustomStringConvertible {
        let store: Int64
        var description: String { "store \(store) is already being refreshed by this process" }
    }
}
