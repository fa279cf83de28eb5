import PatronCore
import SQLKit

/// Addresses a store must not message on a channel again: hard bounces, complaints, unsubscribes
/// (for marketing) recorded with why and where from. Addresses are kept lower-cased.
public enum SuppressionList {
    public static func reason(channel: String, address: String, store: Int64, in sql: any SQLDatabase) async throws
        -> String?
    {
        try await sql.raw(
            """
            SELECT reason FROM suppressions WHERE store_id = \(bind: store) AND channel = \(bind: channel)
                AND address = \(bind: address.lowercased())
            """
        ).first()?.text("reason")
    }

    public static func add(
        channel: String, address: String, reason: String, source: String?, store: Int64, now: Int64,
        in sql: any SQLDatabase
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO suppressions (store_id, channel, address, reason, source, created_at)
            VALUES (\(bind: store), \(bind: channel), \(bind: address.lowercased()), \(bind: reason), \(bind: source), \(bind: now))
            ON CONFLICT (store_id, channel, address) DO NOTHING
            """
        ).run()
    }
}
