#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where outgoing requests (webhooks, provider callbacks) may not go: loopback, private networks,
/// link-local (cloud metadata lives there), carrier-grade NAT, multicast and other reserved ranges,
/// by literal address and by the names that mean "this machine". A sender checks the host before
/// resolving it and every address it resolves to before connecting, so a public name pointing at a
/// private address is refused too (SSRF).
public enum OutboundAddressPolicy {
    public enum Refusal: String, Sendable, Equatable {
        case loopback
        case privateNetwork = "private network"
        case linkLocal = "link-local address"
        case cloudMetadata = "cloud metadata service"
        case sharedAddressSpace = "carrier-grade NAT range"
        case unspecified = "unspecified address"
        case multicast
        case reserved = "reserved range"
        case localName = "local host name"
    }

    /// Why `host` (a name, an IPv4 literal in any form a resolver accepts, or an IPv6 literal with or
    /// without brackets) must not be contacted, or nil when it may (a name still has to pass
    /// ``refusal(forAddress:)`` for each address it resolves to).
    public static func refusal(forHost host: String) -> Refusal? {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if let address = parseAddress(name) { return refusal(forAddress: address) }
        let localNames = ["localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"]
        if localNames.contains(name) || name.hasSuffix(".localhost") { return .localName }
        if name == "metadata.google.internal" || name == "metadata" || name == "instance-data" { return .cloudMetadata }
        return nil
    }

    /// Why an address (4 bytes for IPv4, 16 for IPv6) must not be contacted, or nil when it may.
    public static func refusal(forAddress bytes: [UInt8]) -> Refusal? {
        if bytes.count == 16 {
            // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses are their IPv4 address.
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
                return refusal(forAddress: Array(bytes[12..<16]))
            }
            if bytes[0..<15].allSatisfy({ $0 == 0 }) { return bytes[15] == 1 ? .loopback : .unspecified }
            if bytes[0..<12].allSatisfy({ $0 == 0 }) { return refusal(forAddress: Array(bytes[12..<16])) }
            if bytes == [0xFD, 0x00, 0x0E, 0xC2] + [UInt8](repeating: 0, count: 10) + [0x02, 0x54] { return .cloudMetadata }
            if bytes[0] & 0xFE == 0xFC { return .privateNetwork }  // fc00::/7
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return .linkLocal }  // fe80::/10
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return .privateNetwork }  // fec0::/10, site-local
            if bytes[0] == 0xFF { return .multicast }
            if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0D && bytes[3] == 0xB8 { return .reserved }  // docs
            if bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xFF && bytes[3] == 0x9B {
                return refusal(forAddress: Array(bytes[12..<16]))  // 64:ff9b::/96 NAT64 of an IPv4 address
            }
            return nil
        }
        guard bytes.count == 4 else { return .reserved }
        let (a, b) = (bytes[0], bytes[1])
        switch a {
        case 0: return .unspecified
        case 10: return .privateNetwork
        case 127: return .loopback
        case 169 where b == 254: return bytes[2] == 169 && bytes[3] == 254 ? .cloudMetadata : .linkLocal
        case 172 where (16...31).contains(b): return .privateNetwork
        case 192 where b == 168: return .privateNetwork
        case 192 where b == 0 && bytes[2] == 0: return .reserved
        case 100 where (64...127).contains(b): return .sharedAddressSpace
        case 198 where b == 18 || b == 19: return .reserved  // benchmarking
        case 224...239: return .multicast
        case 240...255: return .reserved
        default: return nil
        }
    }

    /// The bytes of an IPv4 literal (including the forms `inet_aton` accepts: `2130706433`,
    /// `0x7f.1`, `017700000001`) or an IPv6 literal; nil for a name.
    public static func parseAddress(_ text: String) -> [UInt8]? {
        var v6 = in6_addr()
        if text.contains(":") {
            guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        var v4 = in_addr()
        guard let first = text.first, first.isNumber, inet_aton(text, &v4) != 0 else { return nil }
        return withUnsafeBytes(of: &v4) { Array($0) }
    }
}
