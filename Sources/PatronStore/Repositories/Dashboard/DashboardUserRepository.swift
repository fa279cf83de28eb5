import Foundation
import PatronCore
import SQLKit

/// What a dashboard user may do: owners everything, marketers all but keys, channels and users,
/// support agents read customers and messages.
public enum DashboardRole: String, Sendable, CaseIterable {
    case owner
    case marketer
    case support
}

public struct DashboardUser: Sendable, Equatable {
    public var id: Int64
    public var storeID: Int64
    public var email: String
    public var role: DashboardRole
    public var passwordHash: String
    public var createdAt: Int64
    public var lastSignInAt: Int64?
}

/// Dashboard users. The e-mail signs in, so it is unique across the server (compared lowercased).
public struct DashboardUserRepository: Sendable {
    public let sql: any SQLDatabase

    public init(sql: any SQLDatabase) {
        self.sql = sql
    }

    public enum SaveError: Error, Equatable { case emailTaken }

    public static func key(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    public func create(store: Int64, email: String, role: DashboardRole, passwordHash: String, now: Int64) async throws
        -> DashboardUser
    {
        let key = Self.key(email)
        if try await find(email: key) != nil { throw SaveError.emailTaken }
        let row = try await sql.raw(
            """
            INSERT INTO dashboard_users (store_id, email, email_key, role, password_hash, created_at, updated_at)
            VALUES (\(bind: store), \(bind: email.trimmingCharacters(in: .whitespacesAndNewlines)), \(bind: key),
                \(bind: role.rawValue), \(bind: passwordHash), \(bind: now), \(bind: now))
            RETURNING \(unsafeRaw: Self.columns)
            """
        ).first()
        guard let row else { throw StoreError.unexpected("user insert returned no row") }
        return try Self.user(row)
    }

    public func find(email: String) async throws -> DashboardUser? {
        try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM dashboard_users WHERE email_key = \(bind: Self.key(email))")
            .first().map(Self.user)
    }

    public func find(id: Int64, store: Int64) async throws -> DashboardUser? {
        try await sql.raw(
            "SELECT \(unsafeRaw: Self.columns) FROM dashboard_users WHERE id = \(bind: id) AND store_id = \(bind: store)"
        ).first().map(Self.user)
    }

    public func list(store: Int64) async throws -> [DashboardUser] {
        try await sql.raw(
            "SELECT \(unsafeRaw: Self.columns) FROM dashboard_users WHERE store_id = \(bind: store) ORDER BY email_key"
        ).all().map(Self.user)
    }

    /// Removes a user and ends their sessions.
    public func delete(id: Int64, store: Int64) async throws -> Bool {
        try await sql.raw("DELETE FROM dashboard_sessions WHERE user_id = \(bind: id) AND store_id = \(bind: store)").run()
        return try await sql.raw(
            "DELETE FROM dashboard_users WHERE id = \(bind: id) AND store_id = \(bind: store) RETURNING id"
        ).first() != nil
    }

    public func setPassword(id: Int64, hash: String, now: Int64) async throws {
        try await sql.raw(
            "UPDATE dashboard_users SET password_hash = \(bind: hash), updated_at = \(bind: now) WHERE id = \(bind: id)"
        ).run()
        try await sql.raw("DELETE FROM dashboard_sessions WHERE user_id = \(bind: id)").run()
    }

    public func recordSignIn(id: Int64, now: Int64) async throws {
        try await sql.raw("UPDATE dashboard_users SET last_sign_in_at = \(bind: now) WHERE id = \(bind: id)").run()
    }

    static let columns = "id, store_id, email, role, password_hash, created_at, last_sign_in_at"

    static func user(_ row: any SQLRow) throws -> DashboardUser {
        DashboardUser(
            id: try row.int("id"), storeID: try row.int("store_id"), email: try row.requiredText("email"),
            role: DashboardRole(rawValue: try row.requiredText("role")) ?? .support,
            passwordHash: try row.requiredText("password_hash"), createdAt: try row.int("created_at"),
            lastSignInAt: try row.optionalInt("last_sign_in_at"))
    }
}
