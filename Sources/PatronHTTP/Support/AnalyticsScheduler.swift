import Foundation
import Logging
import PatronCore
import PatronEngine
import PatronStore
import ServiceLifecycle

/// Refreshes the analytics of every store that is due (data changed since its last refresh, or the
/// last one is a day old), on a fixed interval, starting once the schema is migrated. A store already
/// refreshing (on demand) is skipped until the next tick.
struct AnalyticsScheduler: Service {
    let refresher: AnalyticsRefresher
    let refreshes: RefreshGate
    let interval: Duration
    let migrated: StartupSignal
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await migrated.wait()
            while !Task.isCancelled {
                await refreshDueStores()
                try? await Task.sleep(for: interval)
            }
        }
    }

    func refreshDueStores() async {
        let database = refresher.database
        let stores: [StoreSummary]
        do {
            stores = try await StoreRepository.list(in: database)
        } catch {
            logger.error("analytics schedule could not list stores", metadata: ["error": "\(error)"])
            return
        }
        for store in stores where !Task.isCancelled {
            let now = Timestamp.milliseconds(refresher.clock())
            let due: Bool
            do {
                due = try await database.read {
                    try await AnalyticsRunRepository(sql: $0, storeID: store.id).needsRefresh(now: now)
                }
            } catch {
                logger.error(
                    "analytics schedule could not check a store", metadata: ["store": "\(store.id)", "error": "\(error)"])
                continue
            }
            guard due, await refreshes.enter(store.id) else { continue }
            do {
                _ = try await refresher.refresh(store: store.id, reason: "schedule")
            } catch {
                logger.error("scheduled analytics refresh failed", metadata: ["store": "\(store.id)", "error": "\(error)"])
            }
            await refreshes.leave(store.id)
        }
    }
}

/// Opens once (when start-up work such as migrations is done); everyone waiting, or arriving later,
/// goes on from then.
actor StartupSignal {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func open() {
        isOpen = true
        for continuation in waiting { continuation.resume() }
        waiting.removeAll()
    }

    func wait() async {
        guard !isOpen else { return }
        await withCheckedContinuation { waiting.append($0) }
    }
}
