import Foundation
import NIOCore
import NIOHTTP1

/// What became of one SMS or WhatsApp hand-over.
public enum SMSOutcome: Sendable, Equatable {
    /// Accepted: the provider's message id (Twilio `sid`).
    case accepted(id: String, status: String)
    case retry(reason: String)
    /// The recipient opted out at the carrier (Twilio error 21610) or the number cannot get messages.
    case unreachable(reason: String)
    case rejected(reason: String)
}

/// A Twilio-compatible Messages API: `https://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com` (any base URL
/// that speaks the same wire format: `POST /2010-04-01/Accounts/{sid}/Messages.json`, form-encoded
/// `To`, `From`, `Body`, HTTP Basic auth, a JSON answer with `sid` and `status`).
public struct TwilioRelay: Sendable, Equatable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int
    public var accountSid: String
    public var authToken: String

    public struct InvalidURL: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "invalid SMS provider URL: \(reason)" }
    }

    public init(url text: String) throws {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme)
        else { throw InvalidURL(reason: "expected https://ACCOUNT_SID:AUTH_TOKEN@host") }
        guard let host = url.host, !host.isEmpty else { throw InvalidURL(reason: "the host is missing") }
        guard let sid = url.user?.removingPercentEncoding, !sid.isEmpty, let token = url.password?.removingPercentEncoding,
            !token.isEmpty
        else { throw InvalidURL(reason: "the account SID and auth token go before the host: https://SID:TOKEN@host") }
        guard sid.allSatisfy({ $0.isLetter || $0.isNumber }) else {
            throw InvalidURL(reason: "the account SID must be alphanumeric")
        }
        self.scheme = scheme
        self.host = host
        self.port = url.port ?? (scheme == "https" ? 443 : 80)
        self.accountSid = sid
        self.authToken = token
    }

    public var description: String { "\(scheme)://\(accountSid):***@\(host):\(port)" }

    /// `to` and `from` in E.164 (`+15551234567`), prefixed `whatsapp:` for WhatsApp.
    public func send(to: String, from: String, body: String) async -> SMSOutcome {
        let form = [("To", to), ("From", from), ("Body", body)].map { "\($0)=\(Self.formEncode($1))" }.joined(separator: "&")
        var headers = HTTPHeaders()
        let defaultPort = scheme == "https" ? 443 : 80
        headers.add(name: "Host", value: port == defaultPort ? host : "\(host):\(port)")
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        headers.add(name: "Content-Length", value: String(form.utf8.count))
        headers.add(name: "Authorization", value: "Basic " + Data("\(accountSid):\(authToken)".utf8).base64EncodedString())
        headers.add(name: "Connection", value: "close")
        do {
            let address = try await Task.detached { try HostResolver.all(host: host, port: port) }.value
            guard let first = address.first else { return .retry(reason: "\(host) has no address") }
            let reply = try await HTTPPost.send(
                to: first, tlsHost: scheme == "https" ? host : nil, path: "/2010-04-01/Accounts/\(accountSid)/Messages.json",
                headers: headers, body: Array(form.utf8))
            return Self.outcome(status: reply.status, body: reply.body)
        } catch {
            return .retry(reason: "\(error)")
        }
    }

    static func outcome(status: Int, body: [UInt8]) -> SMSOutcome {
        let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        switch status {
        case 200..<300:
            guard let sid = json["sid"] as? String else { return .rejected(reason: "HTTP \(status) without a message sid") }
            return .accepted(id: sid, status: json["status"] as? String ?? "queued")
        case 429, 500..<600: return .retry(reason: "HTTP \(status)")
        default:
            let code = (json["code"] as? Int).map { " \($0)" } ?? ""
            let message = json["message"] as? String ?? "HTTP \(status)"
            // 21610: the recipient replied STOP; 21211, 21614: not a number that can receive messages.
            if [21_610, 21_211, 21_614].contains(json["code"] as? Int ?? 0) {
                return .unreachable(reason: "provider error\(code): \(message)")
            }
            return .rejected(reason: "provider error\(code): \(message)")
        }
    }

    static func formEncode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacingOccurrences(of: "%20", with: "+")
    }
}
