import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PatronCore

extension Response {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        json(bytes: value.serializedBytes(), status: status)
    }

    static func json(bytes: [UInt8], status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension Request {
    /// The raw body, at most `limit` bytes (413 problem beyond).
    func rawBody(limit: Int) async throws -> [UInt8] {
        do {
            let buffer = try await body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw Problem.tooLarge(limit: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Problem.tooLarge(limit: limit)
        }
    }

    /// A query parameter, with "+" read as a space as form encoding writes it (a literal plus is %2B).
    func queryText(_ name: String) throws -> String? {
        guard let value = uri.queryParameters[Substring(name)], !value.isEmpty else { return nil }
        let text = String(value).replacingOccurrences(of: "+", with: " ")
        guard !text.utf8.contains(0), text.count <= 1_000 else {
            throw Problem.validation(
                ValidationFailure(field: name, message: "expected text of at most 1000 characters without NUL"))
        }
        return text
    }

    /// A query parameter that must be one of `allowed`; absent or empty is nil.
    func queryChoice(_ name: String, _ allowed: [String]) throws -> String? {
        guard let value = try queryText(name) else { return nil }
        guard allowed.contains(value) else {
            throw Problem.validation(
                ValidationFailure(field: name, message: "expected one of \(allowed.joined(separator: ", "))"))
        }
        return value
    }
}
