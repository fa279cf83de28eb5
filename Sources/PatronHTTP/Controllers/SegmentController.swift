import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PatronCore
import PatronEngine
import PatronStore

/// Segment-compatible tracking API (`/v1/identify|track|page|screen|group|alias|batch`), authenticated with
/// the store's write key as Segment does it. Errors carry Segment's `code` and `message` members too,
/// which Segment's official clients read.
struct SegmentController: Sendable {
    let ingestor: Ingestor
    let keys: APIKeyCache

    var routes: RouteCollection<PatronRequestContext> {
        let routes = RouteCollection(context: PatronRequestContext.self)
        for type in SegmentMessageType.allCases {
            routes.post(RouterPath(type.rawValue)) { request, context in
                try await segmentErrors { try await single(type, request: request, context: context) }
            }
        }
        for path in ["batch", "import"] {
            routes.post(RouterPath(path)) { request, context in
                try await segmentErrors { try await batch(request: request, context: context) }
            }
        }
        return routes
    }

    func single(_ type: SegmentMessageType, request: Request, context: PatronRequestContext) async throws -> Response {
        let body = try await parseBody(request, limit: SegmentLimits.maxMessageBytes)
        let store = try await authenticate(request, body: body)
        let operations = try SegmentMapper.operations(type: type, message: body, receivedAt: ingestor.clock())
        _ = try await ingestor.apply(store: store, operations: operations, source: .segment)
        return .json(["success": true])
    }

    func batch(request: Request, context: PatronRequestContext) async throws -> Response {
        let body = try await parseBody(request, limit: SegmentLimits.maxBatchBytes)
        let store = try await authenticate(request, body: body)
        let items = try SegmentBatch.operations(body, receivedAt: ingestor.clock())
        var operations: [IngestOperation] = []
        var itemOfOperation: [Int] = []
        var rejected: [JSONValue] = []
        func reject(_ index: Int, _ failure: ValidationFailure) {
            rejected.append([
                "index": .int(Int64(index)),
                "errors": .array(failure.errors.map { ["field": .string($0.field), "message": .string($0.message)] }),
            ])
        }
        for (index, item) in items.enumerated() {
            switch item {
            case .success(let itemOperations):
                operations.append(contentsOf: itemOperations)
                itemOfOperation.append(contentsOf: Array(repeating: index, count: itemOperations.count))
            case .failure(let failure): reject(index, failure)
            }
        }
        if !operations.isEmpty {
            let toApply = operations
            let results = try await ingestor.transact(store: store) { writer in
                try await Ingestor.applyEach(toApply, source: .segment, writer: writer, flows: ingestor.flows)
            }
            for (position, result) in results.enumerated() {
                if case .failure(let failure) = result { reject(itemOfOperation[position], failure) }
            }
        }
        return .json(rejected.isEmpty ? ["success": true] : ["success": true, "rejected": .array(rejected)])
    }

    func authenticate(_ request: Request, body: JSONValue) async throws -> Int64 {
        guard let key = SegmentAuth.writeKey(authorizationHeader: request.headers[.authorization], body: body) else {
            throw Problem.unauthorized("send the write key as HTTP Basic user name or as writeKey in the body")
        }
        guard let store = try await keys.store(for: key, kind: .write) else {
            throw Problem.unauthorized("the write key is not valid")
        }
        return store
    }

    /// Reads the body (inflating `Content-Encoding: gzip`) within Segment's size limit.
    func parseBody(_ request: Request, limit: Int) async throws -> JSONValue {
        let isGzip = request.headers[.contentEncoding]?.lowercased().contains("gzip") ?? false
        var buffer = ByteBuffer(bytes: try await request.rawBody(limit: limit))
        if isGzip {
            do {
                buffer = try buffer.decompress(with: .gzip(), maxSize: limit)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                throw Problem.tooLarge(limit: limit)
            } catch {
                throw Problem(
                    status: .badRequest, title: "Bad gzip body", detail: "the body is not valid gzip data",
                    errors: [FieldError(field: "(body)", message: "expected gzip data as Content-Encoding says")])
            }
        }
        do {
            return try JSONParser.parse(bytes: Array(buffer.readableBytesView))
        } catch {
            throw Problem.malformed(error)
        }
    }

    func segmentErrors(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch var problem as Problem {
            problem.extra = ["code": .string(Self.code(for: problem.status)), "message": .string(problem.detail)]
            return problem.response
        } catch let failure as ValidationFailure {
            var problem = Problem.validation(failure)
            problem.status = .badRequest
            problem.extra = ["code": "invalid_request", "message": .string(problem.detail)]
            return problem.response
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 401: "unauthorized"
        case 413: "payload_too_large"
        default: "invalid_request"
        }
    }
}
