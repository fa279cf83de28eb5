import PatronCore
import SQLKit

/// Which built-in flows a store has switched on. A flow without a row is off.
public struct FlowSettingsRepository: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct Setting: Sendable, Equatable {
        public var enabled: Bool
        public var updatedAt: Int64
    }

    /// Read inside the ingest transaction, so a trigger sees the switch as of its own commit.
    public static func isEnabled(_ name: String, store: Int64, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw(
            "SELECT enabled FROM flow_settings WHERE store_id = \(bind: store) AND name = \(bind: name)"
        ).first()?.int("enabled") == 1
    }

    public func all(store: Int64) async throws -> [String: Setting] {
        try await database.read { sql in
            var settings: [String: Setting] = [:]
            for row in try await sql.raw(
                "SELECT name, enabled, updated_at FROM flow_settings WHERE store_id = \(bind: store)"
            ).all() {
                settings[try row.requiredText("name")] = Setting(
                    enabled: try row.int("enabled") == 1, updatedAt: try row.int("updated_at"))
            }
            return settings
        }
    }

    public func setEnabled(_ enabled: Bool, flow name: String, store: Int64, now: Int64) async throws {
        try await database.write(store: store) { sql in
            try await sql.raw(
                """
                INSERT INTO flow_settings (store_id, name, enabled, updated_at)
                VALUES (\(bind: store), \(bind: name), \(bind: enabled ? 1 : 0), \(bind: now))
                ON CONFLICT (store_id, name) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at
                """
            ).run()
        }
    }
}
