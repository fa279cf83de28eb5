import Crypto
import Foundation
import SQLKit

/// Secrets of the installation itself, created on first use and shared by every process on the
/// database (so a link signed by one server verifies on another).
public enum ServerSecrets {
    /// 32 random bytes that sign links in messages.
    public static func linkSigningKey(in database: Database) async throws -> [UInt8] {
        let candidate = Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
        let stored = try await database.write { sql in
            try await sql.raw(
                """
                INSERT INTO server_secrets (name, value, created_at) VALUES ('link_signing', \(bind: candidate),
                    \(bind: Int64(Date().timeIntervalSince1970 * 1_000)))
                ON CONFLICT (name) DO NOTHING
                """
            ).run()
            return try await sql.raw("SELECT value FROM server_secrets WHERE name = 'link_signing'").first()?.text("value")
        }
        guard let stored, let bytes = Data(base64Encoded: stored), bytes.count >= 32 else {
            throw StoreError.unexpected("the link signing secret is missing or damaged")
        }
        return Array(bytes)
    }
}
