import Foundation

/// Where and how to hand mail over: `smtp://user:pass@host:port?starttls=required|opportunistic|off`,
/// or `smtps://...` for TLS from the first byte (port 465). `ca_file=PATH` trusts an extra CA (a
/// private relay's), `tls_verify=false` skips certificate checks (development relays only), and
/// `helo=NAME` sets the name Patron introduces itself with.
public struct SMTPRelay: Sendable, Equatable, CustomStringConvertible {
    public enum StartTLS: String, Sendable, CaseIterable {
        case required
        case opportunistic
        case off
    }

    public var host: String
    public var port: Int
    public var implicitTLS: Bool
    public var startTLS: StartTLS
    public var username: String?
    public var password: String?
    public var caFile: String?
    public var verifyCertificates: Bool
    public var heloName: String

    public struct InvalidURL: Error, CustomStringConvertible, Equatable {
        public let reason: String
        public var description: String { "invalid SMTP URL: \(reason)" }
    }

    public init(url text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw InvalidURL(reason: "expected smtp://[user:pass@]host[:port] or smtps://...")
        }
        guard scheme == "smtp" || scheme == "smtps" else {
            throw InvalidURL(reason: "the scheme must be smtp or smtps, not \(scheme)")
        }
        guard let host = components.host, !host.isEmpty else { throw InvalidURL(reason: "the host is missing") }
        self.host = host
        implicitTLS = scheme == "smtps"
        port = components.port ?? (implicitTLS ? 465 : 25)
        guard (1...65535).contains(port) else { throw InvalidURL(reason: "the port must be 1-65535") }
        username = components.user?.removingPercentEncoding
        password = components.password?.removingPercentEncoding
        if username != nil && password == nil { throw InvalidURL(reason: "a user name needs a password") }
        startTLS = .opportunistic
        caFile = nil
        verifyCertificates = true
        heloName = "localhost"
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "starttls":
                guard let mode = StartTLS(rawValue: value.lowercased()) else {
                    throw InvalidURL(reason: "starttls must be required, opportunistic or off, not \"\(value)\"")
                }
                startTLS = mode
            case "ca_file": caFile = value
            case "tls_verify":
                guard ["true", "false"].contains(value) else { throw InvalidURL(reason: "tls_verify must be true or false") }
                verifyCertificates = value == "true"
            case "helo": heloName = value
            default: throw InvalidURL(reason: "unknown parameter \"\(item.name)\" (starttls, ca_file, tls_verify, helo)")
            }
        }
        if implicitTLS { startTLS = .off }
    }

    /// The URL without the password, for logs and API responses.
    public var description: String {
        let user = username.map { "\($0):***@" } ?? ""
        return "\(implicitTLS ? "smtps" : "smtp")://\(user)\(host):\(port)"
    }
}
