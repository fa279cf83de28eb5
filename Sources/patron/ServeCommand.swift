import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import PatronHTTP
import PatronMessaging
import PatronStore
import Prometheus

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the HTTP server (migrates the schema on start).")

    @OptionGroup var databaseOptions: DatabaseOptions
    @Option(help: "Port to listen on (default: $PATRON_PORT or 8080).") var port: Int?
    @Option(help: "Address to bind (default: $PATRON_HOST or 127.0.0.1).") var host: String?
    @Option(
        help: "Seconds between scheduled analytics refreshes, 0 for on demand only (default: $PATRON_ANALYTICS_INTERVAL or 3600)."
    )
    var analyticsInterval: Int?
    @Option(help: "Prediction horizon in days (default: $PATRON_ANALYTICS_HORIZON_DAYS or 365).") var analyticsHorizon: Int?
    @Option(help: "Job workers in this process, 0 to leave the queue to `patron worker` (default: $PATRON_WORKERS or 1).")
    var workers: Int?
    @OptionGroup var deliveryOptions: DeliveryOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration = PatronConfiguration(
            host: host ?? environment["PATRON_HOST"] ?? "127.0.0.1",
            port: try port ?? environment["PATRON_PORT"].map(parsePort) ?? 8080,
            databaseLocation: databaseOptions.location,
            analyticsIntervalSeconds: try setting(
                analyticsInterval, flag: "--analytics-interval", variable: "PATRON_ANALYTICS_INTERVAL", range: 0...31_536_000,
                default: 3_600),
            analyticsHorizonDays: try setting(
                analyticsHorizon, flag: "--analytics-horizon", variable: "PATRON_ANALYTICS_HORIZON_DAYS", range: 1...3_650,
                default: 365),
            workers: try setting(workers, flag: "--workers", variable: "PATRON_WORKERS", range: 0...64, default: 1),
            workerPollMilliseconds: try setting(
                nil, flag: "", variable: "PATRON_WORKER_POLL_MS", range: 10...60_000, default: 250))
        try deliveryOptions.apply(to: &configuration)
        try await Server.run(configuration)
    }
}

func parsePort(_ text: String) throws -> Int {
    guard let port = Int(text), (0...65535).contains(port) else {
        throw UserError("PATRON_PORT must be a port number, got \(text)")
    }
    return port
}

/// A whole-number setting: the flag when given, else the environment variable, else the default;
/// whichever is used must lie in `range`.
func setting(_ flagValue: Int?, flag: String, variable: String, range: ClosedRange<Int>, default value: Int) throws -> Int {
    if let flagValue {
        guard range.contains(flagValue) else {
            throw UserError("\(flag) must be from \(range.lowerBound) to \(range.upperBound), got \(flagValue)")
        }
        return flagValue
    }
    guard let text = ProcessInfo.processInfo.environment[variable] else { return value }
    return try parseCount(text, variable, range)
}

func parseCount(_ text: String, _ name: String, _ range: ClosedRange<Int>) throws -> Int {
    guard let value = Int(text), range.contains(value) else {
        throw UserError("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(text)")
    }
    return value
}

enum Server {
    /// Bootstraps logging and metrics once per process and runs the application until stopped.
    static func run(
        _ configuration: PatronConfiguration, onServerRunning: @escaping @Sendable () async -> Void = {}
    ) async throws {
        let logger = bootstrapObservability()
        let database = try await Database.open(configuration.databaseLocation, logger: logger)
        let app = buildApplication(
            configuration: configuration, database: database, metrics: metricsRegistry, logger: logger,
            onServerRunning: onServerRunning)
        try await app.runService()
    }

    nonisolated(unsafe) static var metricsRegistry: PrometheusCollectorRegistry?

    static func bootstrapObservability() -> Logger {
        if metricsRegistry == nil {
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            metricsRegistry = registry
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                let level = ProcessInfo.processInfo.environment["PATRON_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
                handler.logLevel = level ?? .info
                return handler
            }
        }
        return Logger(label: "patron")
    }
}
