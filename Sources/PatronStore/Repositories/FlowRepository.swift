import PatronCore
import SQLKit

/// A store's flow: whether it is on, and its current definition (a JSON document, versioned).
public struct StoredFlow: Sendable, Equatable {
    public var name: String
    public var enabled: Bool
    public var version: Int64
    public var definition: JSONValue
    public var updatedAt: Int64
}

/// Flows as versioned documents per store. Saving a definition adds a version; runs keep the version
/// they started on. Built-in flows get a row (version 1 = the built-in document) when first switched on.
public struct FlowRepository: Sendable {
    public let sql: any SQLDatabase
    public let storeID: Int64

    public init(sql: any SQLDatabase, storeID: Int64) {
        self.sql = sql
        self.storeID = storeID
    }

    public func all() async throws -> [StoredFlow] {
        try await sql.raw(
            """
            SELECT f.name, f.enabled, f.current_version, f.updated_at, v.definition FROM flows f
            JOIN flow_versions v ON v.store_id = f.store_id AND v.name = f.name AND v.version = f.current_version
            WHERE f.store_id = \(bind: storeID) ORDER BY f.name
            """
        ).all().map(Self.flow)
    }

    public func enabled() async throws -> [StoredFlow] {
        try await all().filter(\.enabled)
    }

    public func find(_ name: String) async throws -> StoredFlow? {
        try await all().first { $0.name == name }
    }

    public func definition(_ name: String, version: Int64) async throws -> JSONValue? {
        try await sql.raw(
            """
            SELECT definition FROM flow_versions WHERE store_id = \(bind: storeID) AND name = \(bind: name)
                AND version = \(bind: version)
            """
        ).first().map { try $0.json("definition") }
    }

    public func versions(_ name: String) async throws -> [(version: Int64, createdAt: Int64)] {
        try await sql.raw(
            """
            SELECT version, created_at FROM flow_versions WHERE store_id = \(bind: storeID) AND name = \(bind: name)
            ORDER BY version
            """
        ).all().map { (try $0.int("version"), try $0.int("created_at")) }
    }

    /// Saves `definition` as the flow's next version (creating the flow, off, if new); returns the version.
    @discardableResult
    public func save(_ name: String, definition: JSONValue, enabled: Bool? = nil, now: Int64) async throws -> Int64 {
        let latest =
            try await sql.raw(
                "SELECT MAX(version) AS v FROM flow_versions WHERE store_id = \(bind: storeID) AND name = \(bind: name)"
            ).first()?.optionalInt("v") ?? 0
        let version = latest + 1
        try await sql.raw(
            """
            INSERT INTO flow_versions (store_id, name, version, definition, created_at)
            VALUES (\(bind: storeID), \(bind: name), \(bind: version), \(bind: definition.serialized()), \(bind: now))
            """
        ).run()
        try await sql.raw(
            """
            INSERT INTO flows (store_id, name, enabled, current_version, created_at, updated_at)
            VALUES (\(bind: storeID), \(bind: name), \(bind: (enabled ?? false) ? 1 : 0), \(bind: version), \(bind: now), \(bind: now))
            ON CONFLICT (store_id, name) DO UPDATE SET current_version = excluded.current_version,
                updated_at = excluded.updated_at\(unsafeRaw: enabled == nil ? "" : ", enabled = excluded.enabled")
            """
        ).run()
        return version
    }

    /// False when the flow has no row yet.
    @discardableResult
    public func setEnabled(_ enabled: Bool, name: String, now: Int64) async throws -> Bool {
        try await sql.raw(
            """
            UPDATE flows SET enabled = \(bind: enabled ? 1 : 0), updated_at = \(bind: now)
            WHERE store_id = \(bind: storeID) AND name = \(bind: name) RETURNING name
            """
        ).first() != nil
    }

    public func delete(_ name: String) async throws -> Bool {
        try await sql.raw("DELETE FROM flow_versions WHERE store_id = \(bind: storeID) AND name = \(bind: name)").run()
        return try await sql.raw(
            "DELETE FROM flows WHERE store_id = \(bind: storeID) AND name = \(bind: name) RETURNING name"
        ).first() != nil
    }

    static func flow(_ row: any SQLRow) throws -> StoredFlow {
        StoredFlow(
            name: try row.requiredText("name"), enabled: try row.int("enabled") == 1, version: try row.int("current_version"),
            definition: try row.json("definition"), updatedAt: try row.int("updated_at"))
    }
}
