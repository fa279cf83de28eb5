import Crypto
import Foundation

/// Signs outgoing webhooks the Standard Webhooks way (standardwebhooks.com): the signed content is
/// `{webhook-id}.{webhook-timestamp}.{body}`, the signature HMAC-SHA256 with the secret's bytes,
/// sent as `webhook-signature: v1,<base64>`. Secrets are `whsec_` followed by base64 (24 to 64 bytes).
public struct StandardWebhookSigner: Sendable {
    public enum SecretError: Error, Equatable, CustomStringConvertible {
        case missingPrefix
        case notBase64
        case wrongLength(Int)

        public var description: String {
            switch self {
            case .missingPrefix: "a webhook secret starts with whsec_"
            case .notBase64: "a webhook secret is whsec_ followed by base64"
            case .wrongLength(let bytes): "a webhook secret holds 24 to 64 bytes, this one \(bytes)"
            }
        }
    }

    private let key: SymmetricKey

    public init(secret: String) throws(SecretError) {
        guard secret.hasPrefix("whsec_") else { throw .missingPrefix }
        guard let bytes = Data(base64Encoded: String(secret.dropFirst(6))) else { throw .notBase64 }
        guard (24...64).contains(bytes.count) else { throw .wrongLength(bytes.count) }
        key = SymmetricKey(data: bytes)
    }

    /// A new random secret (32 bytes).
    public static func generateSecret() -> String {
        "whsec_" + Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
    }

    /// The `webhook-signature` value for one delivery.
    public func signature(id: String, timestamp: Int64, body: [UInt8]) -> String {
        "v1," + Data(mac(id: id, timestamp: timestamp, body: body)).base64EncodedString()
    }

    /// The three headers of a delivery, in the spec's names.
    public func headers(id: String, timestamp: Int64, body: [UInt8]) -> [(name: String, value: String)] {
        [
            ("webhook-id", id), ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", signature(id: id, timestamp: timestamp, body: body)),
        ]
    }

    /// Checks a received `webhook-signature` (which may list several space-separated signatures) in
    /// constant time, and that the timestamp is within `tolerance` seconds of `now`.
    public func verify(id: String, timestamp: Int64, body: [UInt8], signatures: String, now: Int64, tolerance: Int64 = 300)
        -> Bool
    {
        guard abs(now - timestamp) <= tolerance else { return false }
        let expected = mac(id: id, timestamp: timestamp, body: body)
        for candidate in signatures.split(separator: " ") where candidate.hasPrefix("v1,") {
            guard let given = Data(base64Encoded: String(candidate.dropFirst(3))) else { continue }
            if HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Self.content(id, timestamp, body), using: key),
                given.count == expected.count
            {
                return true
            }
        }
        return false
    }

    private func mac(id: String, timestamp: Int64, body: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Self.content(id, timestamp, body), using: key))
    }

    private static func content(_ id: String, _ timestamp: Int64, _ body: [UInt8]) -> [UInt8] {
        Array("\(id).\(timestamp).".utf8) + body
    }
}
