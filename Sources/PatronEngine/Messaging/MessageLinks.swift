import Foundation
import PatronMessaging
import PatronStore

/// The links Patron puts in a message, signed for its customer and message.
public struct MessageLinks: Sendable {
    public let signer: LinkSigner
    /// Where shoppers reach Patron, without a trailing slash.
    public let baseURL: String
    /// Click links work this long; unsubscribe and preference links never expire.
    public let clickLifetime: TimeInterval

    public init(signer: LinkSigner, baseURL: String, clickLifetime: TimeInterval = 180 * 86_400) {
        self.signer = signer
        self.baseURL = baseURL
        self.clickLifetime = clickLifetime
    }

    public struct ForMessage: Sendable {
        public let unsubscribe: String
        public let preferences: String
        public let openPixel: String
        public let click: @Sendable (String) -> String
    }

    public func `for`(message: OutboxMessage, customer: Int64, now: Date) -> ForMessage {
        let (signer, base) = (signer, baseURL)
        let expires = Int64(now.timeIntervalSince1970 + clickLifetime)
        func url(_ path: String, _ kind: SignedLink.Kind, target: String? = nil, expires: Int64? = nil) -> String {
            let link = SignedLink(
                kind: kind, store: message.store, customer: customer, message: message.id, url: target, expires: expires)
            return "\(base)/\(path)/\(signer.token(for: link))"
        }
        return ForMessage(
            unsubscribe: url("u", .unsubscribe), preferences: url("p", .preferences), openPixel: url("o", .open),
            click: { target in
                let link = SignedLink(
                    kind: .click, store: message.store, customer: customer, message: message.id, url: target, expires: expires)
                return "\(base)/l/\(signer.token(for: link))"
            })
    }
}
