import PatronCore

/// A deterministic dedupe key for messages sent without a `messageId`.
enum SegmentMessageID {
    /// Members that change between deliveries of the same message, left out of the hash.
    static let volatileKeys: Set<String> = ["sentAt", "receivedAt", "writeKey"]

    static func generated(for message: JSONValue) -> String {
        var hashed = message
        if case .object(var members) = message {
            for key in volatileKeys { members[key] = nil }
            hashed = .object(members)
        }
        let digest = fnv1a64(hashed.serializedBytes())
        let hex = String(digest, radix: 16)
        return "gen-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
