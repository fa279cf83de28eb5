import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import PatronCore
import PatronEngine
import PatronStore
import Testing

@testable import PatronHTTP

/// Workers run queued jobs with retries, and the analytics schedule reaches stores through the queue.
@Suite("Background work: job workers and the analytics schedule")
struct BackgroundWorkTests {
    /// A fixed clock the test moves by hand.
    final class ManualClock: @unchecked Sendable {
        private let lock = NSLock()
        private var current = Date(timeIntervalSince1970: 1_800_000_000)

        var now: Date { lock.withLock { current } }
        func advance(_ seconds: Double) { lock.withLock { current = current.addingTimeInterval(seconds) } }
    }

    final class Calls: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [String] = []

        func record(_ value: String) { lock.withLock { values.append(value) } }
        var all: [String] { lock.withLock { values } }
    }

    @Test("a worker completes jobs, retries failures after a backoff and gives up on permanent errors")
    func workerOutcomes() async throws {
        try await withPatron { patron in
            let clock = ManualClock()
            let calls = Calls()
            let queue = JobQueue(database: patron.database)
            let worker = JobWorker(
                queue: queue,
                handlers: [
                    "ok": { job in calls.record("ok \(job.attempts)") },
                    "flaky": { job in
                        calls.record("flaky \(job.attempts)")
                        if job.attempts < 2 { throw CancellationError() }
                    },
                    "broken": { _ in throw PermanentJobError("bad payload") },
                ],
                owner: "test-worker", clock: { clock.now })
            let now = Timestamp.milliseconds(clock.now)
            for kind in ["ok", "flaky", "broken", "nobody-handles-this"] {
                try await queue.enqueue(JobQueue.Enqueue(kind: kind, runAt: now), now: now)
            }
            #expect(try await worker.runOnce() == 3)
            #expect(try await queue.counts() == ["done": 1, "failed": 1, "queued": 2])
            // The flaky job waits out its backoff (0.5 to 1.5 s after a first failure).
            #expect(try await worker.runOnce() == 0)
            clock.advance(2)
            #expect(try await worker.runOnce() == 1)
            #expect(calls.all == ["ok 1", "flaky 1", "flaky 2"])
            #expect(try await queue.counts() == ["done": 2, "failed": 1, "queued": 1])
        }
    }

    @Test("the schedule queues one refresh per due store, and a worker runs it")
    func scheduledRefreshRunsThroughTheQueue() async throws {
        try await withPatron { patron in
            try await AnalyticsFixture.populate(patron)
            let queue = JobQueue(database: patron.database)
            let migrated = StartupSignal()
            await migrated.open()
            let scheduler = AnalyticsScheduler(
                queue: queue, interval: .seconds(3_600), migrated: migrated, logger: Logger(label: "test"), clock: { Date() })
            await scheduler.queueDueRefreshes()
            await scheduler.queueDueRefreshes()
            // Both stores are due (never refreshed); the second pass in the same slot adds nothing.
            #expect(try await queue.counts() == ["queued": 2])

            let worker = JobWorker(
                queue: queue,
                handlers: [
                    AnalyticsRefreshJob.kind: AnalyticsRefreshJob.handler(
                        refresher: AnalyticsRefresher(database: patron.database), gate: RefreshGate())
                ])
            #expect(try await worker.runOnce() == 2)
            #expect(try await queue.counts() == ["done": 2])
            let kpis = try await patron.api(.get, "/api/v1/analytics/kpis")
            #expect(kpis.status == .ok)
            #expect(try kpis.json()["kpis"]?["orders"]?.intValue == Int64(AnalyticsFixture.expectedOrders))

            // Refreshed and unchanged: nothing is due any more.
            await scheduler.queueDueRefreshes()
            #expect(try await queue.counts() == ["done": 2])
        }
    }
}
