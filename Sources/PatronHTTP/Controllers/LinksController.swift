import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PatronCore
import PatronEngine
import PatronMessaging
import PatronStore

/// The links in messages, answered without login (the signed token is the permission):
/// `/l/TOKEN` records a click and redirects, `/o/TOKEN` records an open and returns a pixel,
/// `/u/TOKEN` unsubscribes from marketing email (GET shows a confirmation and changes nothing; POST,
/// including the RFC 8058 one-click POST a mail client sends, unsubscribes), and `/p/TOKEN` is the
/// preference centre per channel and topic.
struct LinksController: Sendable {
    let database: Database
    let ingestor: Ingestor
    let keys: LinkKeyCache
    let clock: @Sendable () -> Date

    var routes: RouteCollection<PatronRequestContext> {
        let routes = RouteCollection(context: PatronRequestContext.self)
        routes.get("l/:token") { _, context in try await click(context) }
        routes.get("o/:token") { _, context in try await open(context) }
        routes.get("u/:token") { _, context in try await unsubscribePage(context) }
        routes.post("u/:token") { _, context in try await unsubscribe(context) }
        routes.get("p/:token") { _, context in try await preferencesPage(context) }
        routes.post("p/:token") { request, context in try await savePreferences(request, context) }
        return routes
    }

    func link(_ context: PatronRequestContext, _ kind: SignedLink.Kind) async throws -> SignedLink {
        let token = context.parameters.get("token") ?? ""
        let signer = LinkSigner(secret: try await keys.key())
        guard token.utf8.count < 4_000, let link = signer.verify(token, now: Int64(clock().timeIntervalSince1970)),
            link.kind == kind
        else { throw Problem.notFound("this link is not valid or has expired") }
        return link
    }

    func click(_ context: PatronRequestContext) async throws -> Response {
        let link = try await link(context, .click)
        guard let target = link.url, target.hasPrefix("https://") || target.hasPrefix("http://") else {
            throw Problem.notFound("this link has no destination")
        }
        let urlHash = SHA256.hash(data: Data(target.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        try await record(link, type: "Clicked", dedupe: "click:\(link.message):\(urlHash)", extra: ["url": .string(target)])
        var headers = HTTPFields()
        headers[.location] = target
        headers[.cacheControl] = "no-store"
        return Response(status: .found, headers: headers)
    }

    func open(_ context: PatronRequestContext) async throws -> Response {
        if let link = try? await link(context, .open) {
            try await record(link, type: "Email Opened", dedupe: "email-open:\(link.message)", extra: [:])
        }
        var headers = HTTPFields()
        headers[.contentType] = "image/gif"
        headers[.cacheControl] = "no-store, max-age=0"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: Self.pixel)))
    }

    func unsubscribePage(_ context: PatronRequestContext) async throws -> Response {
        let link = try await link(context, .unsubscribe)
        let store = try await storeName(link.store)
        return LinkPages.html(
            title: "Unsubscribe from \(store)",
            body: """
                <h1>Unsubscribe from \(LinkPages.escape(store)) emails?</h1>
                <p>You will still get emails about your orders, such as confirmations and shipping updates.</p>
                <form method="post"><button type="submit">Unsubscribe</button></form>
                """)
    }

    func unsubscribe(_ context: PatronRequestContext) async throws -> Response {
        let link = try await link(context, .unsubscribe)
        try await ingestor.transact(store: link.store) { writer in
            try await writer.recordEngagement(
                type: "Unsubscribed", customerId: link.customer, dedupeKey: "unsubscribe:\(link.message)",
                properties: try await writer.messageOrigin(link.message).merging(["channel": "email"]))
            try await writer.recordConsents(
                [ConsentInput(channel: .email, state: .unsubscribed, source: "unsubscribe link", recordedAt: clock())],
                customerId: link.customer)
        }
        let store = try await storeName(link.store)
        return LinkPages.html(
            title: "Unsubscribed",
            body: """
                <h1>You are unsubscribed</h1>
                <p>\(LinkPages.escape(store)) will not send you marketing emails any more. Order emails still reach you.</p>
                """)
    }

    func preferencesPage(_ context: PatronRequestContext) async throws -> Response {
        let link = try await link(context, .preferences)
        let (_, subscribed, optedOut) = try await database.read { sql -> (String, Bool, Set<String>) in
            let profile = try await StoreReader(sql: sql, storeID: link.store).customer(id: link.customer)
            let state = profile?["consent"]?["email"]?["state"]?.stringValue
            let optedOut = try await TopicPreferences.optedOut(
                customerId: link.customer, channel: "email", store: link.store, in: sql)
            return ("", state == ConsentState.subscribed.rawValue, optedOut)
        }
        let storeName = try await storeName(link.store)
        let topics = LinkPages.topics.map { topic, label in
            """
            <label><input type="checkbox" name="topic_\(topic)"\(optedOut.contains(topic) ? "" : " checked")> \(label)</label>
            """
        }.joined(separator: "\n")
        return LinkPages.html(
            title: "Email preferences",
            body: """
                <h1>What would you like from \(LinkPages.escape(storeName))?</h1>
                <form method="post">
                <label><input type="checkbox" name="email"\(subscribed ? " checked" : "")> <strong>Marketing emails</strong></label>
                <fieldset><legend>Topics</legend>
                \(topics)
                </fieldset>
                <p>Order confirmations and shipping updates always reach you.</p>
                <button type="submit">Save</button>
                </form>
                """)
    }

    func savePreferences(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let link = try await link(context, .preferences)
        let form = LinkPages.form(try await request.rawBody(limit: 16_384))
        let wantsEmail = form["email"] != nil
        let choices = Dictionary(uniqueKeysWithValues: LinkPages.topics.map { ($0.0, form["topic_\($0.0)"] != nil) })
        try await ingestor.transact(store: link.store) { writer in
            try await writer.recordConsents(
                [
                    ConsentInput(
                        channel: .email, state: wantsEmail ? .subscribed : .unsubscribed, source: "preference centre",
                        recordedAt: clock())
                ],
                customerId: link.customer)
            try await writer.setTopicPreferences(choices, channel: "email", customerId: link.customer)
            try await writer.recordEngagement(
                type: "Preferences Updated", customerId: link.customer,
                dedupeKey: "preferences:\(link.message):\(writer.now)",
                properties: try await writer.messageOrigin(link.message).merging([
                    "email": .bool(wantsEmail), "topics": .object(choices.mapValues(JSONValue.bool)),
                ]))
        }
        return LinkPages.html(title: "Saved", body: "<h1>Your choices are saved</h1><p>Thank you.</p>")
    }

    /// Records an engagement event; "Clicked" becomes "Email Clicked" or "SMS Clicked" by the message's channel.
    func record(_ link: SignedLink, type: String, dedupe: String, extra: [String: JSONValue]) async throws {
        try await ingestor.transact(store: link.store) { writer in
            let origin = try await writer.messageOrigin(link.message)
            let channel = origin["channel"]?.stringValue ?? "email"
            let type = type == "Clicked" ? (channel == "email" ? "Email Clicked" : "SMS Clicked") : type
            try await writer.recordEngagement(
                type: type, customerId: link.customer, dedupeKey: dedupe, properties: origin.merging(extra))
        }
    }

    func storeName(_ store: Int64) async throws -> String {
        try await StoreRepository.find(id: store, in: database)?.name ?? "the store"
    }

    /// A transparent 1x1 GIF.
    static let pixel: [UInt8] = [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x21,
        0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44,
        0x01, 0x00, 0x3B,
    ]
}

/// The signing key, read once from the database.
actor LinkKeyCache {
    let database: Database
    private var cached: [UInt8]?

    init(database: Database) {
        self.database = database
    }

    func key() async throws -> [UInt8] {
        if let cached { return cached }
        let key = try await ServerSecrets.linkSigningKey(in: database)
        cached = key
        return key
    }
}

extension JSONValue {
    func merging(_ other: [String: JSONValue]) -> JSONValue {
        guard case .object(var members) = self else { return .object(other) }
        for (key, value) in other { members[key] = value }
        return .object(members)
    }
}
