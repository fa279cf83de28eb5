import Foundation
import Logging
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit
import ServiceLifecycle

/// PostgreSQL through PostgresNIO's pooled client. Writes run in a transaction that first takes a
/// transaction-scoped advisory lock on the store, so read-then-write ingestion of one store is
/// serialised across every Patron process sharing the database.
public final class PostgresEngine: DatabaseEngine {
    public let kind = DatabaseKind.postgres
    let client: PostgresClient
    let logger: Logger

    public init(url: String, logger: Logger) throws {
        let parsed = try SQLPostgresConfiguration(url: url)
        let core = parsed.coreConfiguration
        let tls: PostgresClient.Configuration.TLS =
            core.tls.isEnforced
            ? .require(.makeClientConfiguration()) : core.tls.isAllowed ? .prefer(.makeClientConfiguration()) : .disable
        var configuration = PostgresClient.Configuration(
            host: core.host ?? "127.0.0.1", port: core.port ?? 5432, username: core.username, password: core.password,
            database: core.database, tls: tls)
        configuration.options.maximumConnections = 16
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    public func write<T: Sendable>(lockKey: Int64?, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            let sql = connection.sql(queryLogLevel: nil)
            try await sql.raw("BEGIN").run()
            do {
                if let lockKey {
                    try await sql.raw("SELECT pg_advisory_xact_lock(\(bind: lockKey))").run()
                }
                let result = try await body(sql)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    public func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            let sql = connection.sql(queryLogLevel: nil)
            try await sql.raw("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").run()
            do {
                let result = try await body(sql)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    public func run() async throws {
        // The pool must outlive the HTTP server's graceful drain, so it stops only when cancelled
        // or when graceful shutdown reaches this service (services shut down in reverse order).
        await cancelWhenGracefulShutdown { await self.client.run() }
    }

    public func close() async {}
}
