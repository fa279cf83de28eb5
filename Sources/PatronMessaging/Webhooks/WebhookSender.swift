import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// What became of one webhook request.
public enum WebhookOutcome: Sendable, Equatable {
    case delivered(status: Int)
    /// Worth trying again: a 5xx, 408, 429, a timeout, a refused connection; `afterSeconds` from Retry-After.
    case retry(reason: String, afterSeconds: Int64?)
    /// 410 Gone: the receiver asks never to be called again.
    case gone
    /// Trying again cannot help: a 4xx, a redirect (never followed), a refused destination.
    case rejected(reason: String)
}

/// Sends signed webhooks (Standard Webhooks headers) over HTTP/1.1 with our own small NIO client, so
/// that the address actually connected to is the one checked: the host is refused if it names a
/// private, loopback, link-local or metadata address, and so is every address it resolves to.
/// Redirects are not followed.
public struct WebhookSender: Sendable {
    public let signer: StandardWebhookSigner
    /// Lets development setups post to private addresses; never on in production.
    public let allowPrivateAddresses: Bool
    public let timeout: TimeAmount

    public init(signer: StandardWebhookSigner, allowPrivateAddresses: Bool = false, timeout: TimeAmount = .seconds(30)) {
        self.signer = signer
        self.allowPrivateAddresses = allowPrivateAddresses
        self.timeout = timeout
    }

    public func send(url text: String, id: String, timestamp: Int64, body: [UInt8]) async -> WebhookOutcome {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else { return .rejected(reason: "not an http(s) URL") }
        if !allowPrivateAddresses, let refusal = OutboundAddressPolicy.refusal(forHost: host) {
            return .rejected(reason: "refused destination: \(refusal.rawValue)")
        }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        let addresses: [SocketAddress]
        do {
            addresses = try await Self.resolve(host: host, port: port)
        } catch {
            return .retry(reason: "cannot resolve \(host): \(error)", afterSeconds: nil)
        }
        let allowed = addresses.filter { address in
            allowPrivateAddresses || Self.bytes(of: address).map { OutboundAddressPolicy.refusal(forAddress: $0) == nil } == true
        }
        guard let address = allowed.first else {
            return .rejected(reason: "refused destination: \(host) resolves only to private or reserved addresses")
        }
        var path = url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath
        if let query = url.percentEncodedQuery { path += "?" + query }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: url.port == nil ? host : "\(host):\(port)")
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "User-Agent", value: "Patron-Webhooks/1")
        headers.add(name: "Connection", value: "close")
        for header in signer.headers(id: id, timestamp: timestamp, body: body) {
            headers.add(name: header.name, value: header.value)
        }
        do {
            let reply = try await HTTPPost.send(
                to: address, tlsHost: scheme == "https" ? host : nil, path: path, headers: headers, body: body,
                timeout: timeout, maxResponseBytes: 4_096)
            return Self.outcome(status: reply.status, retryAfter: reply.headers["Retry-After"].first)
        } catch {
            return .retry(reason: "\(error)", afterSeconds: nil)
        }
    }

    static func outcome(status: Int, retryAfter: String?) -> WebhookOutcome {
        switch status {
        case 200..<300: return .delivered(status: status)
        case 410: return .gone
        case 300..<400: return .rejected(reason: "HTTP \(status): redirects are not followed")
        case 408, 429, 500..<600: return .retry(reason: "HTTP \(status)", afterSeconds: retryAfter.flatMap(retryAfterSeconds))
        default: return .rejected(reason: "HTTP \(status)")
        }
    }

    /// Retry-After as delay-seconds or an HTTP date, capped at a day.
    static func retryAfterSeconds(_ value: String) -> Int64? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(text) { return min(max(0, seconds), 86_400) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return min(max(0, Int64(date.timeIntervalSinceNow.rounded(.up))), 86_400)
    }

    static func resolve(host: String, port: Int) async throws -> [SocketAddress] {
        if let literal = OutboundAddressPolicy.parseAddress(host) {
            let text =
                literal.count == 4 ? literal.map(String.init).joined(separator: ".") : host.trimmingCharacters(in: ["[", "]"])
            return [try SocketAddress(ipAddress: text, port: port)]
        }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    continuation.resume(returning: try HostResolver.all(host: host, port: port))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    static func bytes(of address: SocketAddress) -> [UInt8]? {
        switch address {
        case .v4(let v4):
            return withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6):
            // sockaddr_in6: family (2), port (2), flow info (4), then the 16-byte address.
            return withUnsafeBytes(of: v6.address) { Array($0[8..<24]) }
        default:
            return nil
        }
    }
}
