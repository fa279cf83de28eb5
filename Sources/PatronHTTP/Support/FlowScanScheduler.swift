import Foundation
import Logging
import PatronCore
import PatronEngine
import PatronStore
import ServiceLifecycle

/// Queues the scan for calendar and analytics triggers (birthdays, anniversaries, lapsed customers)
/// of every store with such a flow on, on a fixed interval; the slot in the dedupe key keeps several
/// processes from queueing the same scan twice.
struct FlowScanScheduler: Service {
    let database: Database
    let interval: Duration
    let migrated: StartupSignal
    let logger: Logger
    let clock: @Sendable () -> Date

    func run() async throws {
        try await PeriodicWork(interval: interval, migrated: migrated) {
            let now = Timestamp.milliseconds(clock())
            let slot = now / (max(1, interval.components.seconds) * 1_000)
            do {
                try await FlowJobs.enqueueScans(database: database, slot: slot, now: now)
            } catch {
                logger.error("flow scan schedule failed", metadata: ["error": "\(error)"])
            }
        }.run()
    }
}
