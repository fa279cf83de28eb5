import Foundation
import PatronCore
import SQLKit
import Testing

@testable import PatronStore

/// The engines every storage test runs on: SQLite always, PostgreSQL when `PATRON_TEST_POSTGRES_URL` is set
/// (for example `postgres://postgres@127.0.0.1:5433/postgres?sslmode=disable`). The URL's user must be allowed
/// to create databases: each test gets a database of its own, dropped when the test ends.
enum TestDatabases {
    static let postgresURL: String? = {
        guard let url = ProcessInfo.processInfo.environment["PATRON_TEST_POSTGRES_URL"], !url.isEmpty else {
            return nil
        }
        return url
    }()

    static let all: [DatabaseKind] = postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]

    /// Caps how many tests hold PostgreSQL databases at once, so parallel tests stay well under the server's
    /// connection limit (each test opens two clients: one for its database, one to create and drop it).
    static let postgresSlots = ResourcePool(Array(0..<4))
}

enum TestDatabaseError: Error, CustomStringConvertible {
    case unusableURL(String)
    case postgresNotConfigured

    var description: String {
        switch self {
        case .unusableURL(let url): "cannot derive a per-test database URL from \(url)"
        case .postgresNotConfigured: "PATRON_TEST_POSTGRES_URL is not set"
        }
    }
}

/// Opens a fresh, empty database of `kind`, migrates it (unless `migrate` is false), runs `body` while the
/// engine's background machinery runs, then closes and deletes the database, whether `body` succeeded or not.
func withTestDatabase<T: Sendable>(
    _ kind: DatabaseKind, migrate: Bool = true, _ body: @escaping @Sendable (Database) async throws -> T
) async throws -> T {
    switch kind {
    case .sqlite:
        return try await withSQLiteTestDatabase(migrate: migrate, body)
    case .postgres:
        guard let baseURL = TestDatabases.postgresURL else { throw TestDatabaseError.postgresNotConfigured }
        return try await TestDatabases.postgresSlots.with { _ in
            try await withPostgresTestDatabase(baseURL: baseURL, migrate: migrate, body)
        }
    }
}

/// A SQLite database in a temporary file: several connections (one writer, pooled readers) must see the same
/// data, which an in-memory database cannot do.
private func withSQLiteTestDatabase<T: Sendable>(
    migrate: Bool, _ body: @escaping @Sendable (Database) async throws -> T
) async throws -> T {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("patron-test-\(UUID().uuidString).sqlite").path
    defer {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }
    let database = try await Database.open(path)
    do {
        let result = try await database.withRunning { database in
            if migrate { try await Migrator.migrate(database) }
            return try await body(database)
        }
        await database.engine.close()
        return result
    } catch {
        await database.engine.close()
        throw error
    }
}

/// A PostgreSQL database created for this test alone (so tests run in parallel without sharing tables), created
/// and dropped through a maintenance connection to the database named in the base URL.
private func withPostgresTestDatabase<T: Sendable>(
    baseURL: String, migrate: Bool, _ body: @escaping @Sendable (Database) async throws -> T
) async throws -> T {
    let name = "patron_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    let testURL = try postgresURL(baseURL, database: name)
    let maintenance = try await Database.open(baseURL)
    return try await maintenance.withRunning { maintenance in
        try await runOutsideTransaction("CREATE DATABASE \(name)", on: maintenance)
        do {
            let database = try await Database.open(testURL)
            let result = try await database.withRunning { database in
                if migrate { try await Migrator.migrate(database) }
                return try await body(database)
            }
            await database.engine.close()
            try await runOutsideTransaction("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: maintenance)
            return result
        } catch {
            try? await runOutsideTransaction("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: maintenance)
            throw error
        }
    }
}

/// `CREATE DATABASE` and `DROP DATABASE` cannot run inside a transaction block, and `Database` only hands out
/// connections inside one, so the statement runs between a `COMMIT` of that transaction and a fresh `BEGIN`.
private func runOutsideTransaction(_ statement: String, on database: Database) async throws {
    try await database.write { sql in
        try await sql.raw("COMMIT").run()
        try await sql.raw(SQLQueryString(statement)).run()
        try await sql.raw("BEGIN").run()
    }
}

/// The base URL with its database name replaced.
private func postgresURL(_ baseURL: String, database name: String) throws -> String {
    guard var components = URLComponents(string: baseURL) else { throw TestDatabaseError.unusableURL(baseURL) }
    components.path = "/" + name
    guard let url = components.string else { throw TestDatabaseError.unusableURL(baseURL) }
    return url
}

/// The fixed "now" of storage tests: 2024-05-01T12:30:00Z.
enum TestClock {
    static let now = Date(timeIntervalSince1970: 1_714_566_600)

    /// `now` moved by a number of hours (negative for the past).
    static func hours(_ hours: Double) -> Date { now.addingTimeInterval(hours * 3_600) }
}

extension Database {
    /// Creates a store and returns its id.
    func makeStore(_ name: String = "Test store") async throws -> Int64 {
        try await StoreRepository.create(name: name, in: self, now: TestClock.now).id
    }

    /// Runs `body` with a `StoreWriter` for `store` inside one write transaction, as the ingest pipeline does.
    func writing<T: Sendable>(
        _ store: Int64, at now: Date = TestClock.now, _ body: (StoreWriter) async throws -> T
    ) async throws -> T {
        try await write(store: store) { sql in
            try await body(StoreWriter(sql: sql, storeID: store, now: now))
        }
    }

    /// Runs `body` with a `StoreReader` for `store` inside one read transaction.
    func reading<T: Sendable>(_ store: Int64, _ body: (StoreReader) async throws -> T) async throws -> T {
        try await read { sql in
            try await body(StoreReader(sql: sql, storeID: store))
        }
    }

    /// Counts the rows of `table` that belong to `store` (and, when given, to one customer).
    func count(_ table: String, store: Int64, customer: Int64? = nil) async throws -> Int64 {
        try await read { sql in
            var query: SQLQueryString = "SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE store_id = \(bind: store)"
            if let customer { query += " AND customer_id = \(bind: customer)" }
            return try await sql.raw(query).first()?.int("n") ?? 0
        }
    }
}

extension JSONValue {
    /// The exact integer of a `.int` value.
    var exactInt: Int64? {
        if case .int(let number) = self { return number }
        return nil
    }
}

extension Page {
    /// The `id` of every item on the page.
    var ids: [Int64] { items.compactMap { $0["id"]?.exactInt } }
}
