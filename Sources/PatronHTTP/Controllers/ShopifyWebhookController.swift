import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import PatronCore
import PatronEngine
import PatronStore

/// Shopify-format webhooks at `/webhooks/shopify/{storeId}`: HMAC-verified with the store's webhook
/// secret, deduplicated on the webhook and event ids, applied in one transaction.
struct ShopifyWebhookController: Sendable {
    let database: Database
    let ingestor: Ingestor
    let secrets: WebhookSecretCache
    let maxBodyBytes: Int

    static let topicHeader = HTTPField.Name("X-Shopify-Topic")!
    static let hmacHeader = HTTPField.Name("X-Shopify-Hmac-Sha256")!
    static let webhookIdHeader = HTTPField.Name("X-Shopify-Webhook-Id")!
    static let eventIdHeader = HTTPField.Name("X-Shopify-Event-Id")!

    var routes: RouteCollection<PatronRequestContext> {
        let routes = RouteCollection(context: PatronRequestContext.self)
        routes.post(":storeId") { request, context in try await receive(request, context: context) }
        return routes
    }

    func receive(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let bytes = try await request.rawBody(limit: maxBodyBytes)
        guard let storeText = context.parameters.get("storeId"), let store = Int64(storeText),
            let secret = try await secrets.secret(for: store)
        else { throw Problem.unauthorized("unknown store or invalid signature") }
        guard let signature = request.headers[Self.hmacHeader], Self.verify(body: bytes, signature: signature, secret: secret)
        else {
            throw Problem.unauthorized("X-Shopify-Hmac-Sha256 does not match the body signed with this store's webhook secret")
        }
        guard let topicText = request.headers[Self.topicHeader] else {
            throw Problem.validation(ValidationFailure(field: "X-Shopify-Topic", message: "is required"))
        }
        guard let topic = ShopifyTopic(rawValue: topicText) else {
            return .json(["ok": true, "duplicate": false, "ignored": true])
        }
        let payload: JSONValue
        do {
            payload = try JSONParser.parse(bytes: bytes)
        } catch {
            throw Problem.malformed(error)
        }
        let operations = try ShopifyMapper.operations(topic: topic, payload: payload, receivedAt: ingestor.clock())
        let deliveryKeys = [
            request.headers[Self.webhookIdHeader].map { "webhook:\($0)" },
            request.headers[Self.eventIdHeader].map { "event:\(topicText):\($0)" },
        ].compactMap { $0 }
        let duplicate = try await ingestor.transact(store: store) { writer -> Bool in
            var seenBefore = false
            for key in deliveryKeys where !(try await writer.recordDelivery(source: "shopify", deliveryId: key, topic: topicText))
            {
                seenBefore = true
            }
            if seenBefore { return true }
            _ = try await Ingestor.apply(operations, source: .shopify, writer: writer, flows: ingestor.flows)
            return false
        }
        return .json(["ok": true, "duplicate": .bool(duplicate)])
    }

    /// Constant-time comparison of the base64 HMAC-SHA256 of the raw body.
    static func verify(body: [UInt8], signature: String, secret: String) -> Bool {
        guard let expected = Data(base64Encoded: signature.trimmingCharacters(in: .whitespaces)) else { return false }
        let key = SymmetricKey(data: Data(secret.utf8))
        return HMAC<SHA256>.isValidAuthenticationCode(expected, authenticating: Data(body), using: key)
    }
}

/// Store webhook secrets, cached briefly.
actor WebhookSecretCache {
    let database: Database
    private var entries: [Int64: (secret: String?, expires: Date)] = [:]

    init(database: Database) { self.database = database }

    func secret(for store: Int64) async throws -> String? {
        let now = Date()
        if let entry = entries[store], entry.expires > now { return entry.secret }
        let secret = try await StoreRepository.find(id: store, in: database)?.webhookSecret
        if entries.count > 10_000 { entries.removeAll() }
        entries[store] = (secret, now.addingTimeInterval(30))
        return secret
    }
}
