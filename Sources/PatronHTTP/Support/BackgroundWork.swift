import Foundation
import Logging
import PatronCore
import PatronEngine
import PatronMessaging
import PatronStore
import ServiceLifecycle

/// The long-running work beside HTTP: the analytics schedule, the job workers and the delivery workers. `patron serve` and
/// `patron worker` run the same services; only `serve` adds the HTTP server.
public enum BackgroundWork {
    public static func services(
        configuration: PatronConfiguration, database: Database, logger: Logger, clock: @escaping @Sendable () -> Date,
        refreshes: RefreshGate, migrated: StartupSignal
    ) -> [any Service] {
        let queue = JobQueue(database: database)
        var services: [any Service] = []
        if configuration.analyticsIntervalSeconds > 0 {
            services.append(
                AnalyticsScheduler(
                    queue: queue, interval: .seconds(configuration.analyticsIntervalSeconds), migrated: migrated,
                    logger: logger, clock: clock))
        }
        let refresher = AnalyticsRefresher(
            database: database, horizonDays: configuration.analyticsHorizonDays, logger: logger, clock: clock)
        let flows = FlowServices(database: database)
        let handlers: [String: JobWorker.Handler] = [
            AnalyticsRefreshJob.kind: AnalyticsRefreshJob.handler(refresher: refresher, gate: refreshes),
            FlowEngine.resumeKind: FlowJobs.resumeHandler(database: database, services: flows, clock: clock),
            FlowJobs.scanKind: FlowJobs.scanHandler(database: database, services: flows, clock: clock),
            CampaignService.sendKind: CampaignService(database: database, clock: clock).handler(),
            WebhookJob.kind: WebhookJob.handler(
                database: database, allowPrivateAddresses: configuration.allowPrivateWebhooks, clock: clock),
        ]
        if configuration.flowScanIntervalSeconds > 0 {
            services.append(
                FlowScanScheduler(
                    database: database, interval: .seconds(configuration.flowScanIntervalSeconds), migrated: migrated,
                    logger: logger, clock: clock))
        }
        for _ in 0..<configuration.workers {
            let worker = JobWorker(
                queue: queue, handlers: handlers, pollInterval: .milliseconds(configuration.workerPollMilliseconds),
                logger: logger, clock: clock)
            services.append(JobWorkerService(worker: worker, migrated: migrated))
            services.append(
                DeliveryWorkerService(
                    configuration: configuration, database: database, logger: logger, clock: clock, migrated: migrated))
        }
        return services
    }
}

/// One job worker as a service: starts once the schema is migrated, stops at graceful shutdown
/// (a job in hand is finished or, if the process is killed, taken over after its lease).
struct JobWorkerService: Service {
    let worker: JobWorker
    let migrated: StartupSignal

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await migrated.wait()
            await worker.run()
        }
    }
}

/// One delivery worker as a service: carries messages from the outbox to the relay.
struct DeliveryWorkerService: Service {
    let configuration: PatronConfiguration
    let database: Database
    let logger: Logger
    let clock: @Sendable () -> Date
    let migrated: StartupSignal

    func run() async throws {
        let templates = try EmailTemplates.builtIn()
        await cancelWhenGracefulShutdown {
            await migrated.wait()
            // The link key lives in the database; until it can be read, wait and try again. Shutdown while
            // waiting ends the service quietly instead of failing the whole group.
            var key: [UInt8]?
            while key == nil, !Task.isCancelled {
                do {
                    key = try await ServerSecrets.linkSigningKey(in: database)
                } catch {
                    if Task.isCancelled { return }
                    logger.error("delivery worker cannot read the link signing key", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(5))
                }
            }
            guard let key else { return }
            let poll = Duration.milliseconds(configuration.workerPollMilliseconds)
            let worker = DeliveryWorker(
                database: database, templates: templates,
                links: MessageLinks(signer: LinkSigner(secret: key), baseURL: configuration.publicURL),
                defaultRelay: configuration.smtpRelay, defaultTextProvider: configuration.textProvider, pollInterval: poll,
                leaseMilliseconds: Int64(configuration.deliveryLeaseSeconds) * 1_000, logger: logger, clock: clock)
            await worker.run()
        }
    }
}

/// Migrates the schema once the database machinery runs, then opens `migrated` and stays up until
/// shutdown (a service that returned would end the group). For processes without an HTTP server.
public struct MigrationService: Service {
    let database: Database
    let migrated: StartupSignal
    let logger: Logger

    public init(database: Database, migrated: StartupSignal, logger: Logger) {
        self.database = database
        self.migrated = migrated
        self.logger = logger
    }

    public func run() async throws {
        let applied = try await Migrator.migrate(database)
        if !applied.isEmpty { logger.info("migrated", metadata: ["migrations": "\(applied.joined(separator: ", "))"]) }
        await migrated.open()
        try? await gracefulShutdown()
    }
}
