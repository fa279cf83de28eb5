/// A mailbox as written in a header: an address and an optional display name.
public struct Mailbox: Sendable, Hashable {
    public var address: String
    public var name: String?

    public init(address: String, name: String? = nil) {
        self.address = address
        self.name = name
    }

    /// The domain after the last "@", lower-cased (the DKIM signing domain of a From address).
    public var domain: String {
        guard let at = address.lastIndex(of: "@") else { return "" }
        return String(address[address.index(after: at)...]).lowercased()
    }

    /// True when the address needs SMTPUTF8 (RFC 6531) to be carried as is.
    public var needsUTF8: Bool { address.utf8.contains { $0 >= 0x80 } }
}

/// A header or envelope value that would let merchant or shopper input start a new header line.
public struct HeaderInjection: Error, CustomStringConvertible, Equatable {
    public let field: String

    public var description: String {
        "the \(field) header must not contain a line break (CR or LF)"
    }
}
