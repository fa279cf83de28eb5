import Foundation
import Hummingbird
import Logging
import PatronCore
import PatronEngine
import PatronMessaging
import PatronStore
import Prometheus
import ServiceLifecycle

/// Wires the whole HTTP application from one configuration and an opened database.
public func buildApplication(
    configuration: PatronConfiguration, database: Database, metrics: PrometheusCollectorRegistry? = nil,
    logger: Logger = Logger(label: "patron"), clock: @escaping @Sendable () -> Date = { Date() },
    onServerRunning: @escaping @Sendable () async -> Void = {}
) -> some ApplicationProtocol {
    let refreshes = RefreshGate()
    let router = buildRouter(
        configuration: configuration, database: database, metrics: metrics, clock: clock, refreshes: refreshes)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Patron"),
        onServerRunning: { _ in await onServerRunning() },
        logger: logger)
    app.addServices(DatabaseService(database: database), MaintenanceService(database: database, clock: clock))
    let migrated = StartupSignal()
    app.addServices(
        BackgroundWork.services(
            configuration: configuration, database: database, logger: logger, clock: clock, refreshes: refreshes,
            migrated: migrated))
    app.beforeServerStarts {
        let applied = try await Migrator.migrate(database)
        if !applied.isEmpty { logger.info("migrated", metadata: ["migrations": "\(applied.joined(separator: ", "))"]) }
        await migrated.open()
    }
    return app
}

public func buildRouter(
    configuration: PatronConfiguration, database: Database, metrics: PrometheusCollectorRegistry?,
    clock: @escaping @Sendable () -> Date, refreshes: RefreshGate = RefreshGate()
) -> Router<PatronRequestContext> {
    let router = Router(context: PatronRequestContext.self)
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: MetricsMiddleware())
    let keys = APIKeyCache(database: database)
    let ingestor = Ingestor(database: database, clock: clock)
    let writes = WriteEndpoint(ingestor: ingestor, maxBodyBytes: configuration.maxBodyBytes)
    OperationsController(database: database, metrics: metrics).add(to: router)
    router.addRoutes(APIController(database: database, writes: writes, keys: keys).routes, atPath: "/api/v1")
    let refresher = AnalyticsRefresher(database: database, horizonDays: configuration.analyticsHorizonDays, clock: clock)
    router.addRoutes(
        AnalyticsController(database: database, writes: writes, keys: keys, refresher: refresher, refreshes: refreshes).routes,
        atPath: "/api/v1")
    router.addRoutes(
        MessagingController(
            database: database, writes: writes, keys: keys, templates: try? EmailTemplates.builtIn(),
            allowPrivateWebhooks: configuration.allowPrivateWebhooks, clock: clock
        ).routes, atPath: "/api/v1")
    let recommendationCache = RecommendationCache(database: database, recheckSeconds: configuration.recommendationCacheSeconds)
    let recommendations = RecommendationController(database: database, keys: keys, clock: clock, cache: recommendationCache)
    router.addRoutes(recommendations.publicRoutes, atPath: "/api/v1")
    router.addRoutes(recommendations.routes, atPath: "/api/v1")
    router.addRoutes(
        LinksController(database: database, ingestor: ingestor, keys: LinkKeyCache(database: database), clock: clock).routes)
    router.addRoutes(SegmentController(ingestor: ingestor, keys: keys).routes, atPath: "/v1")
    router.addRoutes(
        ShopifyWebhookController(
            database: database, ingestor: ingestor, secrets: WebhookSecretCache(database: database),
            maxBodyBytes: configuration.maxBodyBytes
        ).routes, atPath: "/webhooks/shopify")
    if let dashboardTemplates = try? DashboardTemplates.builtIn() {
        let cookies = DashboardCookies(publicURL: configuration.publicURL)
        router.addRoutes(
            SignInController(database: database, templates: dashboardTemplates, cookies: cookies, clock: clock).routes)
        router.addRoutes(
            DashboardController(
                database: database, view: DashboardView(templates: dashboardTemplates), cookies: cookies,
                emailTemplates: try? EmailTemplates.builtIn(), recommendations: recommendationCache,
                allowPrivateWebhooks: configuration.allowPrivateWebhooks, defaultRelay: configuration.smtpRelay,
                publicURL: configuration.publicURL, keys: keys, refresher: refresher, refreshes: refreshes, clock: clock
            ).routes)
    }
    return router
}

/// Keeps the database engine's machinery (PostgreSQL pool) running for the life of the process.
public struct DatabaseService: Service {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func run() async throws {
        try await database.engine.run()
        // Closing must finish even when the service group cancels this task: an unclosed connection
        // traps when it is deallocated. A new task does not inherit the cancellation.
        let engine = database.engine
        await Task { await engine.close() }.value
    }
}

/// Periodic housekeeping: expired idempotency keys and dashboard sessions, and fresh planner statistics.
struct MaintenanceService: Service {
    let database: Database
    let clock: @Sendable () -> Date

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(3600))
                if Task.isCancelled { break }
                try? await IdempotencyRepository.purge(in: database, now: clock())
                try? await database.write(store: 0) {
                    try await DashboardSessionRepository(sql: $0).purgeExpired(now: Timestamp.milliseconds(clock()))
                }
                try? await database.optimizePlanner()
            }
        }
    }
}
