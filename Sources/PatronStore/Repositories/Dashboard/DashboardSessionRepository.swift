import Foundation
import PatronCore
import SQLKit

/// A signed-in dashboard session with its user and store.
public struct DashboardSession: Sendable, Equatable {
    public var tokenHash: String
    public var csrfToken: String
    public var userID: Int64
    public var storeID: Int64
    public var email: String
    public var role: DashboardRole
    public var storeName: String
    public var lastSeenAt: Int64
    public var expiresAt: Int64
}

/// Dashboard sessions: the cookie carries a random token, the table only its SHA-256.
public struct DashboardSessionRepository: Sendable {
    public let sql: any SQLDatabase

    public init(sql: any SQLDatabase) {
        self.sql = sql
    }

    public func create(tokenHash: String, csrfToken: String, user: DashboardUser, now: Int64, expiresAt: Int64)
        async throws
    {
        try await sql.raw(
            """
            INSERT INTO dashboard_sessions (token_hash, user_id, store_id, csrf_token, created_at, last_seen_at, expires_at)
            VALUES (\(bind: tokenHash), \(bind: user.id), \(bind: user.storeID), \(bind: csrfToken), \(bind: now), \(bind: now),
                \(bind: expiresAt))
            """
        ).run()
    }

    /// The live session for a token hash: not expired, and idle for less than `idleLimit` milliseconds.
    public func find(tokenHash: String, now: Int64, idleLimit: Int64) async throws -> DashboardSession? {
        guard
            let row = try await sql.raw(
                """
                SELECT s.token_hash, s.csrf_token, s.user_id, s.store_id, s.last_seen_at, s.expires_at, u.email, u.role,
                    st.name AS store_name
                FROM dashboard_sessions s JOIN dashboard_users u ON u.id = s.user_id AND u.store_id = s.store_id
                JOIN stores st ON st.id = s.store_id
                WHERE s.token_hash = \(bind: tokenHash) AND s.expires_at > \(bind: now)
                    AND s.last_seen_at > \(bind: now - idleLimit)
                """
            ).first()
        else { return nil }
        return DashboardSession(
            tokenHash: try row.requiredText("token_hash"), csrfToken: try row.requiredText("csrf_token"),
            userID: try row.int("user_id"), storeID: try row.int("store_id"), email: try row.requiredText("email"),
            role: DashboardRole(rawValue: try row.requiredText("role")) ?? .support,
            storeName: try row.requiredText("store_name"), lastSeenAt: try row.int("last_seen_at"),
            expiresAt: try row.int("expires_at"))
    }

    public func touch(tokenHash: String, now: Int64) async throws {
        try await sql.raw(
            "UPDATE dashboard_sessions SET last_seen_at = \(bind: now) WHERE token_hash = \(bind: tokenHash)"
        ).run()
    }

    public func delete(tokenHash: String) async throws {
        try await sql.raw("DELETE FROM dashboard_sessions WHERE token_hash = \(bind: tokenHash)").run()
    }

    public func purgeExpired(now: Int64) async throws {
        try await sql.raw("DELETE FROM dashboard_sessions WHERE expires_at <= \(bind: now)").run()
        try await sql.raw("DELETE FROM sign_in_failures WHERE failed_at <= \(bind: now - 86_400_000)").run()
    }
}

/// Failed sign-ins per subject (an e-mail or a client address), to slow down password guessing.
public struct SignInFailures: Sendable {
    public let sql: any SQLDatabase

    public init(sql: any SQLDatabase) {
        self.sql = sql
    }

    public func record(subjects: [String], now: Int64) async throws {
        for subject in subjects {
            try await sql.raw("INSERT INTO sign_in_failures (subject, failed_at) VALUES (\(bind: subject), \(bind: now))").run()
        }
    }

    /// Failures of `subject` since `since`, and the oldest of them (the window frees up after it).
    public func recent(subject: String, since: Int64) async throws -> (count: Int, oldest: Int64?) {
        let row = try await sql.raw(
            """
            SELECT COUNT(*) AS n, MIN(failed_at) AS oldest FROM sign_in_failures
            WHERE subject = \(bind: subject) AND failed_at > \(bind: since)
            """
        ).first()
        return (Int(try row?.int("n") ?? 0), try row?.optionalInt("oldest"))
    }

    public func clear(subject: String) async throws {
        try await sql.raw("DELETE FROM sign_in_failures WHERE subject = \(bind: subject)").run()
    }
}
