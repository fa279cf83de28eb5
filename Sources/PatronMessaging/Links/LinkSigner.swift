import Crypto
import Foundation

/// A link in a message that Patron answers itself.
public struct SignedLink: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case click = "c"
        case open = "o"
        case unsubscribe = "u"
        case preferences = "p"
    }

    public var kind: Kind
    public var store: Int64
    public var customer: Int64
    public var message: Int64
    /// Where a click goes.
    public var url: String?
    /// Epoch seconds after which the link no longer works; nil for links that must always work
    /// (unsubscribe, preferences).
    public var expires: Int64?

    public init(kind: Kind, store: Int64, customer: Int64, message: Int64, url: String? = nil, expires: Int64? = nil) {
        self.kind = kind
        self.store = store
        self.customer = customer
        self.message = message
        self.url = url
        self.expires = expires
    }
}

/// Signs and checks link tokens: the fields in the clear (base64url), then an HMAC-SHA256 tag over
/// them with a key derived per store from the server's secret. A token cannot be forged, edited (to
/// another customer or another redirect target) or used after it expires.
public struct LinkSigner: Sendable {
    let master: SymmetricKey

    public init(secret: [UInt8]) {
        master = SymmetricKey(data: secret)
    }

    public func token(for link: SignedLink) -> String {
        let fields = [
            link.kind.rawValue, String(link.store), String(link.customer), String(link.message),
            link.expires.map(String.init) ?? "", Self.base64URL(Array((link.url ?? "").utf8)),
        ]
        let payload = fields.joined(separator: ".")
        return Self.base64URL(Array(payload.utf8)) + "." + Self.base64URL(tag(payload, store: link.store))
    }

    public func verify(_ token: String, now: Int64) -> SignedLink? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payloadBytes = Self.decode(parts[0]), let given = Self.decode(parts[1]),
            let payload = String(bytes: payloadBytes, encoding: .utf8)
        else { return nil }
        let fields = payload.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 6, let kind = SignedLink.Kind(rawValue: fields[0]), let store = Int64(fields[1]),
            let customer = Int64(fields[2]), let message = Int64(fields[3])
        else { return nil }
        let expected = tag(payload, store: store)
        guard given.count == expected.count, zip(given, expected).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else { return nil }
        let expires = fields[4].isEmpty ? nil : Int64(fields[4])
        if let expires, expires < now { return nil }
        let url = Self.decode(Substring(fields[5])).flatMap { String(bytes: $0, encoding: .utf8) }
        return SignedLink(
            kind: kind, store: store, customer: customer, message: message, url: url?.isEmpty == false ? url : nil,
            expires: expires)
    }

    func tag(_ payload: String, store: Int64) -> [UInt8] {
        let storeKey = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data("links:store:\(store)".utf8), using: master))
        return Array(HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: storeKey).prefix(16))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: Substring) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}
