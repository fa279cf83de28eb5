import Foundation
import Logging
import PatronCore
import PatronEngine
import PatronStore
import ServiceLifecycle

/// Refreshes the analytics of every store whose data changed since its last refresh, on a fixed
/// interval. A store already refreshing (on demand) is skipped until the next tick.
struct AnalyticsScheduler: Service {
    let refresher: AnalyticsRefresher
    let refreshes: RefreshGate
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await refreshChangedStores()
                try? await Task.sleep(for: interval)
            }
        }
    }

    func refreshChangedStores() async {
        let database = refresher.database
        guard let stores = try? await StoreRepository.list(in: database) else { return }
        for store in stores where !Task.isCancelled {
            let now = Timestamp.milliseconds(refresher.clock())
            let stale = try? await database.read {
                try await AnalyticsRunRepository(sql: $0, storeID: store.id).needsRefresh(now: now)
            }
            guard stale == true, await refreshes.enter(store.id) else { continue }
            do {
                _ = try await refresher.refresh(store: store.id, reason: "schedule")
            } catch {
                logger.error("scheduled analytics refresh failed", metadata: ["store": "\(store.id)", "error": "\(error)"])
            }
            await refreshes.leave(store.id)
        }
    }
}
