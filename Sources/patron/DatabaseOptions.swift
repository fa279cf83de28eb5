import ArgumentParser
import Foundation
import Logging
import PatronStore

/// `--database`, shared by every command that touches data; falls back to `PATRON_DATABASE_URL`,
/// then to `patron.sqlite` in the working directory.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite file path or postgres:// URL (default: $PATRON_DATABASE_URL or patron.sqlite)")
    var database: String?

    var location: String {
        database ?? ProcessInfo.processInfo.environment["PATRON_DATABASE_URL"] ?? "patron.sqlite"
    }

    /// Opens the database, migrates it, and runs `body` while its machinery runs.
    func withDatabase<T: Sendable>(_ body: @escaping @Sendable (Database) async throws -> T) async throws -> T {
        let database = try await Database.open(location, logger: Logger(label: "patron.db"))
        defer { Task { await database.engine.close() } }
        return try await database.withRunning { database in
            try await Migrator.migrate(database)
            return try await body(database)
        }
    }
}

/// A one-line message and a non-zero exit, for errors the user can fix.
struct UserError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
