import Foundation
import Logging
import PatronCore
import PatronEngine
import PatronStore
import ServiceLifecycle

/// Queues an analytics refresh for every store that is due (data changed since its last refresh, or
/// the last one is a day old), on a fixed interval, starting once the schema is migrated. The jobs
/// carry the store and the interval slot as dedupe key, so several processes scheduling at once
/// queue one refresh, which one worker runs.
struct AnalyticsScheduler: Service {
    let queue: JobQueue
    let interval: Duration
    let migrated: StartupSignal
    let logger: Logger
    let clock: @Sendable () -> Date

    func run() async throws {
        try await PeriodicWork(interval: interval, migrated: migrated) { await queueDueRefreshes() }.run()
    }

    func queueDueRefreshes() async {
        let database = queue.database
        let stores: [StoreSummary]
        do {
            stores = try await StoreRepository.list(in: database)
        } catch {
            logger.error("analytics schedule could not list stores", metadata: ["error": "\(error)"])
            return
        }
        let slotLength = max(1, interval.components.seconds) * 1_000
        for store in stores where !Task.isCancelled {
            let now = Timestamp.milliseconds(clock())
            do {
                let due = try await database.read {
                    try await AnalyticsRunRepository(sql: $0, storeID: store.id).needsRefresh(now: now)
                }
                guard due else { continue }
                try await AnalyticsRefreshJob.enqueue(store: store.id, slot: now / slotLength, now: now, queue: queue)
            } catch {
                logger.error(
                    "analytics schedule could not check a store", metadata: ["store": "\(store.id)", "error": "\(error)"])
            }
        }
    }
}

/// Runs `work` every `interval` from the moment the schema is migrated until graceful shutdown.
struct PeriodicWork: Service {
    let interval: Duration
    let migrated: StartupSignal
    let work: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await migrated.wait()
            while !Task.isCancelled {
                await work()
                try? await Task.sleep(for: interval)
            }
        }
    }
}

/// Opens once (when start-up work such as migrations is done); everyone waiting, or arriving later,
/// goes on from then.
public actor StartupSignal {
    public init() {}

    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public func open() {
        isOpen = true
        for continuation in waiting { continuation.resume() }
        waiting.removeAll()
    }

    public func wait() async {
        guard !isOpen else { return }
        await withCheckedContinuation { waiting.append($0) }
    }
}
