import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import PatronCore
import PatronEngine
import PatronStore

/// Runs an API write: parse, then in one transaction check the `Idempotency-Key`, apply the
/// operations, render the response and store it for replays. A 2xx therefore means committed.
struct WriteEndpoint: Sendable {
    let ingestor: Ingestor
    let maxBodyBytes: Int
    static let idempotencyHeader = HTTPField.Name("Idempotency-Key")!
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")!

    typealias Render = @Sendable (StoreWriter, [WriteResult?]) async throws -> (HTTPResponse.Status, JSONValue)
    typealias Respond = @Sendable (StoreWriter) async throws -> (HTTPResponse.Status, JSONValue)

    /// A write whose body is one JSON document turned into operations by `parse`.
    func handle(
        _ request: Request, context: PatronRequestContext,
        parse: @Sendable (JSONValue, Date) throws -> [IngestOperation], render: @escaping Render
    ) async throws -> Response {
        let store = try context.requireStore()
        let (bytes, body) = try await jsonBody(request)
        let operations = try parse(body, ingestor.clock())
        return try await commit(request, store: store, bodyBytes: bytes) { writer in
            try await render(writer, try await Ingestor.apply(operations, source: .api, writer: writer, flows: ingestor.flows))
        }
    }

    /// Runs `respond` (the request's writes and its answer) in one transaction with the idempotency check.
    func commit(_ request: Request, store: Int64, bodyBytes: [UInt8], respond: @escaping Respond) async throws -> Response {
        let key = request.headers[Self.idempotencyHeader]
        if let key, key.isEmpty || key.count > 255 {
            throw Problem(
                status: .badRequest, title: "Invalid Idempotency-Key",
                detail: "the Idempotency-Key header must be 1 to 255 characters",
                errors: [FieldError(field: "Idempotency-Key", message: "expected 1 to 255 characters")])
        }
        var hasher = SHA256()
        hasher.update(data: Data("\(request.method.rawValue) \(request.uri.path)\n".utf8))
        hasher.update(data: bodyBytes)
        let requestHash = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        let (stored, replayed) = try await ingestor.transact(store: store) { writer -> (StoredResponse, Bool) in
            if let key {
                switch try await IdempotencyRepository.lookup(key: key, requestHash: requestHash, in: writer) {
                case .replay(let response): return (response, true)
                case .mismatch:
                    throw Problem(
                        status: .unprocessableContent, title: "Idempotency key reused",
                        detail: "this Idempotency-Key was already used with a different request; use a new key",
                        errors: [FieldError(field: "Idempotency-Key", message: "expected a new key for a different request")])
                case .new: break
                }
            }
            let (status, body) = try await respond(writer)
            let response = StoredResponse(status: status.code, body: body.serialized())
            if let key {
                try await IdempotencyRepository.store(key: key, requestHash: requestHash, response: response, in: writer)
            }
            return (response, false)
        }
        var response = Response.json(bytes: Array(stored.body.utf8), status: HTTPResponse.Status(code: stored.status))
        if replayed { response.headers[Self.replayedHeader] = "true" }
        return response
    }

    /// The request body as bytes (hashed for idempotency) and as parsed JSON.
    func jsonBody(_ request: Request) async throws -> ([UInt8], JSONValue) {
        try Self.checkContentType(request)
        let bytes = try await request.rawBody(limit: maxBodyBytes)
        do {
            return (bytes, try JSONParser.parse(bytes: bytes))
        } catch {
            throw Problem.malformed(error)
        }
    }

    static func checkContentType(_ request: Request) throws {
        if let contentType = request.headers[.contentType]?.lowercased(), !contentType.hasPrefix("application/json") {
            throw Problem(
                status: .unsupportedMediaType, title: "Unsupported media type", detail: "send the body as application/json",
                errors: [FieldError(field: "Content-Type", message: "expected application/json")])
        }
    }
}

extension WriteEndpoint {
    /// Reads a single resource body with `read`, failing with every field error found.
    static func single(_ body: JSONValue, read: (inout FieldReader) -> IngestOperation?) throws -> [IngestOperation] {
        var reader = try FieldReader.root(body)
        let operation = read(&reader)
        try reader.finish()
        guard let operation else { throw ValidationFailure(field: "(body)", message: "expected a valid resource") }
        return [operation]
    }

    static func status(for result: WriteResult?) -> HTTPResponse.Status {
        result?.outcome == .created ? .created : .ok
    }
}
