import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO
import ServiceLifecycle

/// SQLite in WAL mode: one writer connection behind a FIFO lock (every write is `BEGIN IMMEDIATE`),
/// and a small pool of reader connections that see committed snapshots while the writer works.
public final class SQLiteEngine: DatabaseEngine {
    public let kind = DatabaseKind.sqlite
    let writer: SQLiteConnection
    let writeLock = AsyncLock()
    let readers: ResourcePool<SQLiteConnection>
    let readerConnections: [SQLiteConnection]

    init(writer: SQLiteConnection, readers: [SQLiteConnection]) {
        self.writer = writer
        self.readerConnections = readers
        self.readers = ResourcePool(readers)
    }

    public static func open(path: String, readerCount: Int = 4, logger: Logger) async throws -> SQLiteEngine {
        let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let sql = writer.sql(queryLogLevel: nil)
        // synchronous=NORMAL in WAL mode survives a process crash (SIGKILL) with every commit intact;
        // only an OS crash or power loss can lose the last transactions.
        for pragma in [
            "PRAGMA busy_timeout = 15000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL",
            "PRAGMA foreign_keys = ON", "PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -65536",
        ] {
            try await sql.raw(SQLQueryString(pragma)).run()
        }
        var readers: [SQLiteConnection] = []
        for _ in 0..<readerCount {
            let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            try await reader.sql(queryLogLevel: nil).raw("PRAGMA busy_timeout = 15000").run()
            try await reader.sql(queryLogLevel: nil).raw("PRAGMA cache_size = -32768").run()
            readers.append(reader)
        }
        return SQLiteEngine(writer: writer, readers: readers)
    }

    public func write<T: Sendable>(lockKey: Int64?, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await writeLock.withLock {
            try await inTransaction(writer.sql(queryLogLevel: nil), begin: "BEGIN IMMEDIATE", body)
        }
    }

    public func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await readers.with { connection in
            try await inTransaction(connection.sql(queryLogLevel: nil), begin: "BEGIN", body)
        }
    }

    public func run() async throws {
        try? await gracefulShutdown()
    }

    public func close() async {
        for reader in readerConnections { try? await reader.close() }
        try? await writer.close()
    }
}
