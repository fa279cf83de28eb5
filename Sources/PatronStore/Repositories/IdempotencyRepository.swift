import Foundation
import PatronCore
import SQLKit

/// A stored response to replay for a repeated `Idempotency-Key`.
public struct StoredResponse: Sendable, Hashable {
    public let status: Int
    public let body: String

    public init(status: Int, body: String) {
        self.status = status
        self.body = body
    }
}

public enum IdempotencyLookup: Sendable {
    case new
    case replay(StoredResponse)
    /// The key was used with a different request body.
    case mismatch
}

/// Stripe-style idempotency keys, kept for `retention` (at least 24 hours). Lookup, the request's own
/// writes and the stored response share one write transaction, so a crash leaves either all or nothing.
public enum IdempotencyRepository {
    public static let retentionMilliseconds: Int64 = 48 * 3600 * 1000

    public static func lookup(key: String, requestHash: String, in writer: StoreWriter) async throws -> IdempotencyLookup {
        guard
            let row = try await writer.sql.raw(
                """
                SELECT request_hash, status_code, response_body, created_at FROM idempotency_keys
                WHERE store_id = \(bind: writer.storeID) AND idem_key = \(bind: key)
                """
            ).first()
        else { return .new }
        if try row.int("created_at") < writer.now - retentionMilliseconds {
            try await writer.sql.raw(
                "DELETE FROM idempotency_keys WHERE store_id = \(bind: writer.storeID) AND idem_key = \(bind: key)"
            ).run()
            return .new
        }
        guard try row.requiredText("request_hash") == requestHash else { return .mismatch }
        return .replay(StoredResponse(status: Int(try row.int("status_code")), body: try row.text("response_body") ?? ""))
    }

    public static func store(key: String, requestHash: String, response: StoredResponse, in writer: StoreWriter) async throws {
        try await writer.sql.raw(
            """
            INSERT INTO idempotency_keys (store_id, idem_key, request_hash, status_code, response_body, created_at)
            VALUES (\(bind: writer.storeID), \(bind: key), \(bind: requestHash), \(bind: Int64(response.status)),
                \(bind: response.body), \(bind: writer.now))
            """
        ).run()
    }

    /// Deletes keys past retention; run periodically.
    public static func purge(in database: Database, now: Date) async throws {
        let cutoff = Timestamp.milliseconds(now) - retentionMilliseconds
        try await database.write { sql in
            try await sql.raw("DELETE FROM idempotency_keys WHERE created_at < \(bind: cutoff)").run()
        }
    }
}
