import Foundation
import HTTPTypes
import HummingbirdTesting
import PatronCore
import PatronStore
import Testing

/// One bad request and the 4xx problem it must produce.
struct BadRequestCase: Sendable, CustomTestStringConvertible {
    let name: String
    let method: HTTPRequest.Method
    let uri: String
    let body: String?
    var contentType: String? = nil
    let status: Int
    /// A field the problem's `errors` must name (nil for a plain 404).
    let field: String?

    var testDescription: String { name }

    /// An order body with one line item; each argument is raw JSON text.
    static func order(
        externalId: String = #""order-1""#, currency: String = #""USD""#, placedAt: String = #""2024-05-01T10:00:00Z""#,
        quantity: String = "1", unitPrice: String = "1000", extra: String = ""
    ) -> String {
        """
        {"externalId": \(externalId), "currency": \(currency), "placedAt": \(placedAt)\(extra),
         "lineItems": [{"title": "Tee", "quantity": \(quantity), "unitPrice": \(unitPrice)}]}
        """
    }

    /// 200 nested arrays; the parser stops at 64 levels.
    static let deeplyNested: String = {
        let opening = String(repeating: "[", count: 200)
        let closing = String(repeating: "]", count: 200)
        return #"{"externalId": "c-1", "properties": {"deep": "# + opening + closing + "}}"
    }()

    static func postRequest(
        _ name: String, _ uri: String, _ body: String, status: Int, field: String, contentType: String? = nil
    ) -> BadRequestCase {
        BadRequestCase(
            name: name, method: .post, uri: uri, body: body, contentType: contentType, status: status, field: field)
    }

    static func getRequest(_ name: String, _ uri: String, status: Int, field: String?) -> BadRequestCase {
        BadRequestCase(name: name, method: .get, uri: uri, body: nil, status: status, field: field)
    }

    static let customers = "/api/v1/customers"
    static let orders = "/api/v1/orders"

    static let all: [BadRequestCase] = [
        postRequest("malformed JSON", customers, #"{"externalId": "c-1","#, status: 400, field: "(body)"),
        postRequest("empty body", customers, "", status: 400, field: "(body)"),
        postRequest("nesting deeper than the parser allows", customers, deeplyNested, status: 400, field: "(body)"),
        postRequest(
            "number out of range", customers, #"{"externalId": "c-1", "properties": {"n": 1e999}}"#, status: 400,
            field: "(body)"),
        postRequest("top-level array", customers, "[1, 2]", status: 422, field: "(body)"),
        postRequest(
            "wrong type", customers, #"{"externalId": "c-1", "firstName": 42}"#, status: 422, field: "firstName"),
        postRequest(
            "customer without externalId or email", customers, #"{"firstName": "Ana"}"#, status: 422,
            field: "externalId"),
        postRequest("invalid e-mail", customers, #"{"email": "not-an-email"}"#, status: 422, field: "email"),
        postRequest("missing required field", orders, order(externalId: "null"), status: 422, field: "externalId"),
        postRequest("zero quantity", orders, order(quantity: "0"), status: 422, field: "lineItems[0].quantity"),
        postRequest("negative quantity", orders, order(quantity: "-2"), status: 422, field: "lineItems[0].quantity"),
        postRequest(
            "quantity beyond 64 bits", orders, order(quantity: "1e20"), status: 422, field: "lineItems[0].quantity"),
        postRequest("negative price", orders, order(unitPrice: "-5"), status: 422, field: "lineItems[0].unitPrice"),
        postRequest(
            "decimal price instead of minor units", orders, order(unitPrice: "19.99"), status: 422,
            field: "lineItems[0].unitPrice"),
        postRequest("unknown currency", orders, order(currency: #""ZZZ""#), status: 422, field: "currency"),
        postRequest("bad date", orders, order(placedAt: #""yesterday""#), status: 422, field: "placedAt"),
        postRequest(
            "impossible date", orders, order(placedAt: #""2024-02-30T10:00:00Z""#), status: 422,
            field: "placedAt"),
        postRequest(
            "unknown financial status", orders, order(extra: #", "financialStatus": "maybe""#), status: 422,
            field: "financialStatus"),
        postRequest(
            "unknown shipment event status", "/api/v1/shipments",
            #"""
            {"externalId": "s-1", "orderExternalId": "o-1",
             "events": [{"status": "teleported", "occurredAt": "2024-05-01T10:00:00Z"}]}
            """#,
            status: 422, field: "events[0].status"),
        postRequest(
            "event without a customer", "/api/v1/events", #"{"type": "Viewed"}"#, status: 422,
            field: "customerExternalId"),
        postRequest(
            "priced variant without currency", "/api/v1/products",
            #"{"externalId": "p-1", "variants": [{"externalId": "v-1", "price": 100}]}"#, status: 422,
            field: "currency"),
        postRequest("batch items not an array", "/api/v1/events/batch", #"{"items": 5}"#, status: 422, field: "items"),
        postRequest(
            "wrong content type", customers, #"{"externalId": "c-1"}"#, status: 415, field: "Content-Type",
            contentType: "text/plain"),
        postRequest(
            "wrong content type on a batch", "/api/v1/customers/batch", #"{"items": [{"externalId": "c-1"}]}"#,
            status: 415, field: "Content-Type", contentType: "application/x-www-form-urlencoded"),
        getRequest("limit=0", "/api/v1/customers?limit=0", status: 422, field: "limit"),
        getRequest("limit=201", "/api/v1/orders?limit=201", status: 422, field: "limit"),
        getRequest("limit=abc", "/api/v1/events?limit=abc", status: 422, field: "limit"),
        getRequest("after=-1", "/api/v1/customers?after=-1", status: 422, field: "after"),
        getRequest("customerId=abc", "/api/v1/orders?customerId=abc", status: 422, field: "customerId"),
        getRequest("non-numeric path id", "/api/v1/customers/abc", status: 404, field: nil),
        getRequest("zero path id", "/api/v1/orders/0", status: 404, field: nil),
        getRequest("path id beyond 64 bits", "/api/v1/products/99999999999999999999", status: 404, field: nil),
        getRequest("non-numeric export id", "/api/v1/customers/x/export", status: 404, field: nil),
        BadRequestCase(
            name: "non-numeric delete id", method: .delete, uri: "/api/v1/customers/x", body: nil, status: 404,
            field: nil),
    ]
}

@Suite("Validation: bad input is a 4xx problem naming the field, never a 5xx")
struct ValidationTests {
    @Test("bad request", arguments: BadRequestCase.all)
    func badRequest(_ badCase: BadRequestCase) async throws {
        try await withPatron { patron in
            var headers: HTTPFields = [:]
            if let contentType = badCase.contentType { headers[.contentType] = contentType }
            let response = try await patron.api(badCase.method, badCase.uri, json: badCase.body, headers: headers)
            #expect(response.status.code < 500, "never a 5xx for bad input: \(response.bodyText)")
            #expect(response.status.code == badCase.status, "\(response.bodyText)")
            #expect(response.isProblem, "content type: \(response.headers[.contentType] ?? "none")")
            let problem = try response.json()
            #expect(problem["status"]?.intValue == Int64(badCase.status))
            #expect(problem["title"]?.stringValue?.isEmpty == false)
            #expect(problem["detail"]?.stringValue?.isEmpty == false)
            if let field = badCase.field {
                let fields = try response.problemFields()
                #expect(fields.contains(field), "errors name \(fields), expected \(field)")
                let messages = problem["errors"]?.arrayValue?.compactMap { $0["message"]?.stringValue } ?? []
                #expect(messages.allSatisfy { !$0.isEmpty })
            } else {
                #expect(!response.isRouterNotFound, "a resource 404, not a missing route")
            }
        }
    }

    @Test("malformed JSON is a 400 problem whose first error names (body)")
    func malformedJSON() async throws {
        try await withPatron { patron in
            let response = try await patron.api(.post, "/api/v1/orders", json: #"{"externalId": "o-1", }"#)
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/problem+json")
            let problem = try response.json()
            #expect(problem["errors"]?[0]?["field"]?.stringValue == "(body)")
            #expect(problem["errors"]?[0]?["message"]?.stringValue?.contains("expected valid JSON") == true)
        }
    }

    @Test("every invalid field of one request is reported, each with what was expected")
    func everyFieldReported() async throws {
        try await withPatron { patron in
            let response = try await patron.api(
                .post, "/api/v1/customers",
                json: #"{"externalId": "c-1", "email": "nope", "country": "Portugal", "birthday": "31/12/1990"}"#)
            #expect(response.status == .unprocessableContent)
            let problem = try response.json()
            let errors = problem["errors"]?.arrayValue ?? []
            #expect(Set(errors.compactMap { $0["field"]?.stringValue }) == ["email", "country", "birthday"])
            for error in errors {
                #expect(error["message"]?.stringValue?.contains("expected") == true, "\(error)")
            }
            #expect(try await patron.list("/api/v1/customers").isEmpty, "nothing is written for a rejected request")
        }
    }

    /// Products and sums of amounts saturate instead of trapping, and an order whose amounts leave the accepted
    /// range is rejected, so none of these requests can crash the server.
    @Test("amounts whose product or sum overflows 64 bits are a 4xx, not a crash")
    func overflowingAmounts() async throws {
        try await withPatron { patron in
            let product = BadRequestCase.order(quantity: "100", unitPrice: "100000000000000000")
            let productResponse = try await patron.api(.post, "/api/v1/orders", json: product)
            #expect(productResponse.status.code == 422, "\(productResponse.bodyText)")

            let discounts = BadRequestCase.order(
                extra: #", "discountCodes": [{"code": "A", "amount": 5000000000000000000}, "#
                    + #"{"code": "B", "amount": 5000000000000000000}]"#)
            let discountResponse = try await patron.api(.post, "/api/v1/orders", json: discounts)
            #expect(discountResponse.status.code == 422, "\(discountResponse.bodyText)")

            let segmentOrder = #"""
                {"userId": "whale", "event": "Order Completed", "messageId": "overflow-1",
                 "properties": {"order_id": "big-1", "currency": "USD",
                   "products": [{"product_id": "p", "price": 1000000000000, "quantity": 1000000}]}}
                """#
            let segmentResponse = try await patron.segment(
                "/v1/track", json: segmentOrder, writeKey: patron.storeA.writeKey)
            #expect(segmentResponse.status.code == 400, "\(segmentResponse.bodyText)")
        }
    }

    @Test("a body larger than maxBodyBytes is a 413 problem, and a body under it is accepted")
    func oversizedBody() async throws {
        try await withPatron(maxBodyBytes: 10_000) { patron in
            let padding = String(repeating: "x", count: 20_000)
            let tooLarge = #"{"externalId": "big", "properties": {"blob": ""# + padding + #""}}"#
            let response = try await patron.api(.post, "/api/v1/customers", json: tooLarge)
            #expect(response.status == .contentTooLarge, "\(response.status): \(response.bodyText)")
            #expect(response.isProblem)
            #expect(try response.problemFields() == ["(body)"])

            let batch = #"{"items": [{"externalId": "big", "properties": {"blob": ""# + padding + #""}}]}"#
            let batchResponse = try await patron.api(.post, "/api/v1/customers/batch", json: batch)
            #expect(batchResponse.status == .contentTooLarge, "\(batchResponse.status): \(batchResponse.bodyText)")

            let smallPadding = String(repeating: "y", count: 9_000)
            let fits = #"{"externalId": "fits", "properties": {"blob": ""# + smallPadding + #""}}"#
            let accepted = try await patron.api(.post, "/api/v1/customers", json: fits)
            #expect(accepted.status == .created, "\(accepted.status): \(accepted.bodyText)")
        }
    }
}
