import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PatronCore
import PatronHTTP
import PatronStore
import Testing

/// One application under test: a fresh, migrated SQLite file database with two stores, and a client that
/// sends requests straight to the router (HummingbirdTesting `.router`, no socket).
struct PatronTestHarness: Sendable {
    let client: any TestClientProtocol
    let database: Database
    let storeA: StoreCredentials
    let storeB: StoreCredentials

    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
    static let shopifyTopic = HTTPField.Name("X-Shopify-Topic")!
    static let shopifyHmac = HTTPField.Name("X-Shopify-Hmac-Sha256")!
    static let shopifyWebhookId = HTTPField.Name("X-Shopify-Webhook-Id")!

    /// Sends a request as given.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: [UInt8]? = nil
    ) async throws -> TestResponse {
        try await client.executeRequest(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
    }

    /// A REST call with `Authorization: Bearer <secret key>` of `store` (store A unless told otherwise).
    /// A JSON body is sent as `application/json` unless `headers` names another content type.
    func api(
        _ method: HTTPRequest.Method, _ uri: String, as store: StoreCredentials? = nil, json: String? = nil,
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        headers[.authorization] = "Bearer \((store ?? storeA).secretKey)"
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await send(method, uri, headers: headers, body: json.map { Array($0.utf8) })
    }

    /// A Segment-style call (`/v1/...`), authenticated with HTTP Basic (write key as user) when `writeKey` is given.
    func segment(
        _ uri: String, json: String, writeKey: String?, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        try await segment(uri, body: Array(json.utf8), writeKey: writeKey, headers: headers)
    }

    func segment(
        _ uri: String, body: [UInt8], writeKey: String?, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        if let writeKey { headers[.authorization] = Self.basicAuthorization(user: writeKey) }
        if headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await send(.post, uri, headers: headers, body: body)
    }

    /// A Shopify webhook delivery to `/webhooks/shopify/{storePath}`, signed with `secret` unless `signature` is given.
    func shopifyWebhook(
        storePath: String, topic: String, body: String, secret: String, webhookId: String? = nil,
        signature: String? = nil
    ) async throws -> TestResponse {
        let bytes = Array(body.utf8)
        var headers: HTTPFields = [:]
        headers[.contentType] = "application/json"
        headers[Self.shopifyTopic] = topic
        headers[Self.shopifyHmac] = signature ?? Self.shopifySignature(bytes, secret: secret)
        if let webhookId { headers[Self.shopifyWebhookId] = webhookId }
        return try await send(.post, "/webhooks/shopify/\(storePath)", headers: headers, body: bytes)
    }

    static func basicAuthorization(user: String, password: String = "") -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    /// Base64 of the HMAC-SHA256 of the raw body, keyed with the store's webhook secret (Shopify's scheme).
    static func shopifySignature(_ body: [UInt8], secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return Data(code).base64EncodedString()
    }

    // MARK: Reads through the REST API

    /// The items of a list endpoint (`{"data": [...], "nextCursor": ...}`), expecting 200.
    func list(_ uri: String, as store: StoreCredentials? = nil) async throws -> [JSONValue] {
        let response = try await api(.get, uri, as: store)
        #expect(response.status == .ok, "GET \(uri): \(response.bodyText)")
        return try response.json()["data"]?.arrayValue ?? []
    }

    func customer(externalId: String, as store: StoreCredentials? = nil) async throws -> JSONValue? {
        try await list("/api/v1/customers?externalId=\(externalId)", as: store).first
    }

    func order(externalId: String, as store: StoreCredentials? = nil) async throws -> JSONValue? {
        try await list("/api/v1/orders?externalId=\(externalId)", as: store).first
    }

    func events(customerId: Int64? = nil, as store: StoreCredentials? = nil) async throws -> [JSONValue] {
        try await list("/api/v1/events?limit=200" + (customerId.map { "&customerId=\($0)" } ?? ""), as: store)
    }
}

/// Runs `test` against `buildApplication(configuration:database:)` on a fresh temporary SQLite file.
///
/// The stores are created before the application runs, so the schema is migrated here first
/// (`Migrator.migrate` is idempotent; the application's `beforeServerStarts` runs it again).
/// The application's background services are left out: see `WithoutBackgroundServices`.
func withPatron(
    maxBodyBytes: Int = 200_000, publicURL: String? = nil, _ test: @Sendable (PatronTestHarness) async throws -> Void
) async throws {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("patron-http-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("patron.sqlite").path
    let database = try await Database.open(path)
    do {
        try await Migrator.migrate(database)
        let storeA = try await StoreRepository.create(name: "Store A", in: database)
        let storeB = try await StoreRepository.create(name: "Store B", in: database)
        let configuration = PatronConfiguration(databaseLocation: path, maxBodyBytes: maxBodyBytes, publicURL: publicURL)
        let app = WithoutBackgroundServices(buildApplication(configuration: configuration, database: database))
        try await app.test(.router) { client in
            try await test(PatronTestHarness(client: client, database: database, storeA: storeA, storeB: storeB))
        }
    } catch {
        await database.engine.close()
        throw error
    }
    await database.engine.close()
}

/// The application built by `buildApplication`, with its responder and its `beforeServerStarts` processes
/// (the migration) but without its ServiceLifecycle services.
///
/// `DatabaseService` and `MaintenanceService` only stop on task cancellation, not on graceful shutdown,
/// so HummingbirdTesting (which shuts its service group down gracefully after the test closure) would wait
/// for them forever. `ApplicationLifecycleTests` covers that behaviour on the unwrapped application.
struct WithoutBackgroundServices<Base: ApplicationProtocol>: ApplicationProtocol {
    typealias Responder = Base.Responder
    let base: Base

    init(_ base: Base) { self.base = base }

    var responder: Base.Responder {
        get async throws { try await base.responder }
    }

    var processesRunBeforeServerStart: [@Sendable () async throws -> Void] { base.processesRunBeforeServerStart }
}

extension TestResponse {
    var bodyBytes: [UInt8] { Array(body.readableBytesView) }
    var bodyText: String { String(decoding: bodyBytes, as: UTF8.self) }

    /// The body parsed with Patron's own JSON parser.
    func json() throws -> JSONValue { try JSONParser.parse(bytes: bodyBytes) }

    var isProblem: Bool { headers[.contentType] == "application/problem+json" }

    /// The `field` of each entry of a problem's `errors` array, in order.
    func problemFields() throws -> [String] {
        try json()["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
    }

    /// True when the router found no route at all (as opposed to a handler answering 404 for a missing resource).
    var isRouterNotFound: Bool {
        guard status == .notFound, let detail = try? json()["detail"]?.stringValue else { return false }
        return detail.hasPrefix("no route for")
    }
}

extension JSONValue {
    subscript(index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    var intValue: Int64? {
        if case .int(let number) = self { return number }
        return nil
    }

    var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }
}
