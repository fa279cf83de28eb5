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
    }

    public func write<T: Sendable>(lockKey: Int64?, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await inTransaction(connection.sql(queryLogLevel: nil), begin: "BEGIN") { sql in
                if let lockKey {
                    try await sql.raw("SELECT pg_advisory_xact_lock(\(bind: lockKey))").run()
                }
                return try await body(sql)
            }
        }
    }

    public func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await inTransaction(
                connection.sql(queryLogLevel: nil), begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
        }
    }

    public func run() async throws {
        // The pool must outlive the HTTP server's graceful drain, so it stops only when cancelled
        // or when graceful shutdown reaches this service (services shut down in reverse order).
        await cancelWhenGracefulShutdown { await self.client.run() }
    }

    public func close() async {}
}
