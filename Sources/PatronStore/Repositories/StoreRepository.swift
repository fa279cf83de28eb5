import Crypto
import Foundation
import PatronCore
import SQLKit

/// The credentials of a store, shown once at creation; only hashes of the keys are kept.
public struct StoreCredentials: Sendable {
    public let id: Int64
    public let name: String
    public let secretKey: String
    public let writeKey: String
    public let webhookSecret: String
}

public struct StoreSummary: Sendable {
    public let id: Int64
    public let name: String
    public let createdAt: Date
    public let webhookSecret: String
}

public enum APIKeyKind: String, Sendable {
    case secret
    case write

    var prefix: String { self == .secret ? "sk_" : "wk_" }

    /// A new random key of this kind.
    func newKey() -> String { prefix + KeyGenerator.random(bytes: self == .secret ? 24 : 18) }
}

public enum StoreRepository {
    public static func create(name: String, in database: Database, now: Date = Date()) async throws -> StoreCredentials {
        let secretKey = APIKeyKind.secret.newKey()
        let writeKey = APIKeyKind.write.newKey()
        let webhookSecret = "whsec_" + KeyGenerator.random(bytes: 24)
        let created = Timestamp.milliseconds(now)
        let id = try await database.write { sql in
            let row = try await sql.raw(
                """
                INSERT INTO stores (name, webhook_secret, created_at) VALUES (\(bind: name), \(bind: webhookSecret), \(bind: created))
                RETURNING id
                """
            ).first()
            guard let id = try row?.int("id") else { throw StoreError.unexpected("store insert returned no id") }
            for (kind, key) in [(APIKeyKind.secret, secretKey), (.write, writeKey)] {
                try await insertKey(key, kind: kind, label: nil, store: id, created: created, in: sql)
            }
            return id
        }
        return StoreCredentials(id: id, name: name, secretKey: secretKey, writeKey: writeKey, webhookSecret: webhookSecret)
    }

    public static func list(in database: Database) async throws -> [StoreSummary] {
        try await database.read { sql in
            try await sql.raw("SELECT id, name, created_at, webhook_secret FROM stores ORDER BY id").all().map(summary)
        }
    }

    public static func find(id: Int64, in database: Database) async throws -> StoreSummary? {
        try await database.read { sql in
            try await sql.raw("SELECT id, name, created_at, webhook_secret FROM stores WHERE id = \(bind: id)").first().map(
                summary)
        }
    }

    static func summary(_ row: any SQLRow) throws -> StoreSummary {
        StoreSummary(
            id: try row.int("id"), name: try row.requiredText("name"),
            createdAt: Timestamp.date(milliseconds: try row.int("created_at")),
            webhookSecret: try row.requiredText("webhook_secret"))
    }

    /// Replaces the webhook signing secret (Shopify signs with the app's own secret, so it must be settable).
    public static func setWebhookSecret(_ secret: String, store id: Int64, in database: Database) async throws -> Bool {
        try await database.write(store: id) { sql in
            try await sql.raw("UPDATE stores SET webhook_secret = \(bind: secret) WHERE id = \(bind: id) RETURNING id").first()
                != nil
        }
    }

    /// A new key of `kind` for the store; the key itself is returned once and only its hash is kept.
    public static func createKey(kind: APIKeyKind, label: String?, store: Int64, in database: Database, now: Date) async throws
        -> String
    {
        let key = kind.newKey()
        try await database.write(store: store) { sql in
            try await insertKey(key, kind: kind, label: label, store: store, created: Timestamp.milliseconds(now), in: sql)
        }
        return key
    }

    /// Stores a key's hash and its first ten characters (to recognise it in lists), never the key.
    static func insertKey(
        _ key: String, kind: APIKeyKind, label: String?, store: Int64, created: Int64, in sql: any SQLDatabase
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO api_keys (store_id, kind, key_hash, prefix, label, created_at)
            VALUES (\(bind: store), \(bind: kind.rawValue), \(bind: KeyGenerator.hash(key)), \(bind: String(key.prefix(10))),
                \(bind: label), \(bind: created))
            """
        ).run()
    }

    /// Revokes a live key of the store; false when there is none with that id.
    public static func revokeKey(id: Int64, store: Int64, in database: Database, now: Date) async throws -> Bool {
        try await database.write(store: store) { sql in
            try await sql.raw(
                """
                UPDATE api_keys SET revoked_at = \(bind: Timestamp.milliseconds(now))
                WHERE id = \(bind: id) AND store_id = \(bind: store) AND revoked_at IS NULL RETURNING id
                """
            ).first() != nil
        }
    }

    /// The store a key belongs to, if the key is live and of the expected kind.
    public static func authenticate(key: String, kind: APIKeyKind, in database: Database) async throws -> Int64? {
        guard key.hasPrefix(kind.prefix), key.utf8.count < 200 else { return nil }
        let hash = KeyGenerator.hash(key)
        return try await database.read { sql in
            try await sql.raw(
                "SELECT store_id FROM api_keys WHERE key_hash = \(bind: hash) AND kind = \(bind: kind.rawValue) AND revoked_at IS NULL"
            ).first()?.int("store_id")
        }
    }
}

public enum StoreError: Error, CustomStringConvertible {
    case unexpected(String)

    public var description: String {
        switch self {
        case .unexpected(let message): "storage error: \(message)"
        }
    }
}

public enum KeyGenerator {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// Random base62 text carrying `bytes` bytes of entropy from the system generator.
    public static func random(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let length = Int((Double(bytes * 8) / log2(62.0)).rounded(.up))
        return String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// Keys are long random strings, so one SHA-256 is the right hash (no stretching needed).
    public static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
