import ArgumentParser
import Foundation
import Logging
import PatronEngine
import PatronHTTP
import PatronStore
import ServiceLifecycle
import UnixSignals

/// `patron worker`: the job workers and the analytics schedule without the HTTP server. Run as many
/// as the work needs, on the same PostgreSQL database as the servers.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run background job workers (no HTTP); migrates the schema on start.")

    @OptionGroup var databaseOptions: DatabaseOptions
    @Option(help: "Workers in this process (default: $PATRON_WORKERS or 2).") var workers: Int?
    @Option(
        help:
            "Seconds between analytics schedule checks, 0 to leave scheduling to others (default: $PATRON_ANALYTICS_INTERVAL or 3600)."
    )
    var analyticsInterval: Int?
    @OptionGroup var deliveryOptions: DeliveryOptions

    func run() async throws {
        var configuration = PatronConfiguration(
            databaseLocation: databaseOptions.location,
            analyticsIntervalSeconds: try setting(
                analyticsInterval, flag: "--analytics-interval", variable: "PATRON_ANALYTICS_INTERVAL", range: 0...31_536_000,
                default: 3_600),
            workers: try setting(workers, flag: "--workers", variable: "PATRON_WORKERS", range: 1...64, default: 2),
            workerPollMilliseconds: try setting(
                nil, flag: "", variable: "PATRON_WORKER_POLL_MS", range: 10...60_000, default: 250))
        try deliveryOptions.apply(to: &configuration)
        let logger = Server.bootstrapObservability()
        let database = try await Database.open(configuration.databaseLocation, logger: logger)
        let migrated = StartupSignal()
        let services: [any Service] =
            [DatabaseService(database: database), MigrationService(database: database, migrated: migrated, logger: logger)]
            + BackgroundWork.services(
                configuration: configuration, database: database, logger: logger, clock: { Date() }, refreshes: RefreshGate(),
                migrated: migrated)
        logger.info("worker started", metadata: ["workers": "\(configuration.workers)"])
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
