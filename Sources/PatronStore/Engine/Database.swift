import Logging
import SQLKit

public enum DatabaseKind: String, Sendable {
    case sqlite
    case postgres
}

/// One storage engine behind the single SQLKit code path. Transactions are the unit of work:
/// `write` gives read-then-write isolation (SQLite `BEGIN IMMEDIATE`; PostgreSQL with a per-store
/// advisory lock), `read` a consistent snapshot.
public protocol DatabaseEngine: Sendable {
    var kind: DatabaseKind { get }
    func write<T: Sendable>(lockKey: Int64?, _ body: (any SQLDatabase) async throws -> T) async throws -> T
    func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    /// Keeps the engine's background machinery (connection pools) running until cancelled.
    func run() async throws
    func close() async
}

/// The database handle passed through Patron. A value type over the engine.
public struct Database: Sendable {
    public let engine: any DatabaseEngine
    public let logger: Logger

    public init(engine: any DatabaseEngine, logger: Logger) {
        self.engine = engine
        self.logger = logger
    }

    public var kind: DatabaseKind { engine.kind }

    /// Refreshes the query planner's statistics where they are missing or stale. Without them SQLite
    /// pages `store_id = ? AND id > ? ORDER BY id` through the (store, customer) index and sorts every
    /// remaining row on each page, which turns a refresh of ten million orders from minutes into hours.
    /// `PRAGMA optimize` analyses only tables that need it, with a small sampling limit, so it is cheap;
    /// PostgreSQL's autovacuum keeps its own statistics.
    public func optimizePlanner() async throws {
        guard kind == .sqlite else { return }
        try await engine.write(lockKey: nil) { sql in
            try await sql.raw("PRAGMA optimize=0x10002").run()
        }
    }

    /// Opens the database at `location`: a file path for SQLite, or a `postgres://` URL.
    public static func open(_ location: String, logger: Logger = Logger(label: "patron.db")) async throws -> Database {
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            return Database(engine: try PostgresEngine(url: location, logger: logger), logger: logger)
        }
        return Database(engine: try await SQLiteEngine.open(path: location, logger: logger), logger: logger)
    }

    public func write<T: Sendable>(store: Int64? = nil, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await engine.write(lockKey: store, body)
    }

    public func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await engine.read(body)
    }

    /// Runs `body` while the engine's background machinery runs, then shuts it down.
    /// For command-line work outside the server's service group.
    public func withRunning<T: Sendable>(_ body: @escaping @Sendable (Database) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await engine.run()
                return nil
            }
            group.addTask { try await body(self) }
            while let next = try await group.next() {
                if let result = next {
                    group.cancelAll()
                    return result
                }
            }
            throw CancellationError()
        }
    }
}

extension Database {
    /// Answers when the database can run a query.
    public func ping() async throws {
        _ = try await read { sql in try await sql.raw("SELECT 1 AS one").first()?.int("one") }
    }
}

/// Runs `body` between `begin` and COMMIT on one connection, rolling back when it throws.
nonisolated(nonsending) func inTransaction<T: Sendable>(
    _ sql: any SQLDatabase, begin: SQLQueryString, _ body: (any SQLDatabase) async throws -> T
) async throws -> T {
    try await sql.raw(begin).run()
    do {
        let result = try await body(sql)
        try await sql.raw("COMMIT").run()
        return result
    } catch {
        try? await sql.raw("ROLLBACK").run()
        throw error
    }
}
