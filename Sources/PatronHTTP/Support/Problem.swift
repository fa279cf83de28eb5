import Foundation
import HTTPTypes
import Hummingbird
import PatronCore

/// An RFC 9457 problem: every 4xx/5xx Patron answers has this `application/problem+json` body.
public struct Problem: Error, Sendable {
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    public var errors: [FieldError]
    /// Extra members (Segment clients read `code` and `message`).
    public var extra: [String: JSONValue] = [:]

    public init(status: HTTPResponse.Status, title: String, detail: String, errors: [FieldError] = []) {
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
    }

    public static func validation(_ failure: ValidationFailure) -> Problem {
        let summary = failure.errors.prefix(3).map(\.description).joined(separator: "; ")
        return Problem(
            status: .unprocessableContent, title: "Validation failed", detail: summary.isEmpty ? "the input is invalid" : summary,
            errors: failure.errors)
    }

    public static func malformed(_ error: JSONParseError) -> Problem {
        Problem(
            status: .badRequest, title: "Malformed JSON", detail: error.description,
            errors: [FieldError(field: "(body)", message: "expected valid JSON: \(error.reason) at byte \(error.offset)")])
    }

    public static func unauthorized(_ detail: String) -> Problem {
        Problem(status: .unauthorized, title: "Unauthorized", detail: detail)
    }

    public static func notFound(_ detail: String) -> Problem {
        Problem(status: .notFound, title: "Not found", detail: detail)
    }

    public static func tooLarge(limit: Int) -> Problem {
        Problem(
            status: .contentTooLarge, title: "Body too large", detail: "the request body exceeds \(limit) bytes",
            errors: [FieldError(field: "(body)", message: "expected at most \(limit) bytes")])
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "type": .string("about:blank"), "title": .string(title), "status": .int(Int64(status.code)),
            "detail": .string(detail),
            "errors": .array(errors.map { ["field": .string($0.field), "message": .string($0.message)] }),
        ]
        for (key, value) in extra { members[key] = value }
        return .object(members)
    }

    public var response: Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(
            status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: json.serializedBytes())))
    }
}
