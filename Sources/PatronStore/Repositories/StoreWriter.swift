import Foundation
import PatronCore
import SQLKit

/// Writes one store's data inside an open write transaction. Every statement is scoped by `storeID`.
public struct StoreWriter {
    public let sql: any SQLDatabase
    public let storeID: Int64
    public let now: Int64

    public init(sql: any SQLDatabase, storeID: Int64, now: Date) {
        self.sql = sql
        self.storeID = storeID
        self.now = Timestamp.milliseconds(now)
    }
}

extension StoreWriter {
    /// Savepoints let one item of a batch fail without undoing the others (SQLite and PostgreSQL alike).
    public func savepoint() async throws { try await sql.raw("SAVEPOINT patron_item").run() }
    public func releaseSavepoint() async throws { try await sql.raw("RELEASE SAVEPOINT patron_item").run() }
    public func rollbackToSavepoint() async throws {
        try await sql.raw("ROLLBACK TO SAVEPOINT patron_item").run()
        try await sql.raw("RELEASE SAVEPOINT patron_item").run()
    }
}

/// What an upsert did.
public enum WriteOutcome: String, Sendable {
    case created
    case updated
    /// Already stored (a re-delivered event or an older update than the stored one).
    case duplicate
}

public struct WriteResult: Sendable, Hashable {
    public let id: Int64
    public let outcome: WriteOutcome

    public init(id: Int64, outcome: WriteOutcome) {
        self.id = id
        self.outcome = outcome
    }
}

extension Array where Element == String {
    var jsonText: String { JSONValue.array(map(JSONValue.string)).serialized() }
}

extension Dictionary where Key == String, Value == JSONValue {
    var jsonText: String { JSONValue.object(self).serialized() }
}
