import CompressNIO
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PatronCore
import PatronStore
import Testing

@Suite("Segment-compatible API (/v1)")
struct SegmentTests {
    static let track = #"""
        {"userId": "seg-user-1", "event": "Product Viewed", "messageId": "seg-msg-1",
         "timestamp": "2024-06-01T10:00:00Z", "properties": {"product_id": "prod-9", "price": 19.99}}
        """#

    @Test("POST /v1/track with HTTP Basic (write key, empty password) answers {success: true} and stores the event")
    func trackWithBasicAuth() async throws {
        try await withPatron { patron in
            let response = try await patron.segment("/v1/track", json: Self.track, writeKey: patron.storeA.writeKey)
            #expect(response.status == .ok, "\(response.bodyText)")
            #expect(try response.json() == ["success": true])

            let customer = try #require(try await patron.customer(externalId: "seg-user-1"), "userId is the externalId")
            let customerId = try #require(customer["id"]?.intValue)
            let events = try await patron.events(customerId: customerId)
            let event = try #require(events.first { $0["messageId"]?.stringValue == "seg-msg-1" })
            #expect(event["type"]?.stringValue == "Product Viewed")
            #expect(event["source"]?.stringValue == "segment")
            #expect(event["occurredAt"]?.stringValue == "2024-06-01T10:00:00.000Z")
            #expect(event["productExternalIds"]?[0]?.stringValue == "prod-9")

            let redelivered = try await patron.segment("/v1/track", json: Self.track, writeKey: patron.storeA.writeKey)
            #expect(redelivered.status == .ok)
            #expect(try await patron.events(customerId: customerId).count == 1, "messageId deduplicates")
        }
    }

    @Test("writeKey in the body authenticates like HTTP Basic")
    func writeKeyInBody() async throws {
        try await withPatron { patron in
            let body = #"""
                {"writeKey": "\#(patron.storeA.writeKey)", "userId": "body-key-user", "event": "Signed Up",
                 "messageId": "body-key-1"}
                """#
            let response = try await patron.segment("/v1/track", json: body, writeKey: nil)
            #expect(response.status == .ok, "\(response.bodyText)")
            let customer = try #require(try await patron.customer(externalId: "body-key-user"))
            let events = try await patron.events(customerId: try #require(customer["id"]?.intValue))
            #expect(events.map { $0["messageId"]?.stringValue } == ["body-key-1"])
        }
    }

    @Test("a missing, unknown or wrong-kind key is a 401 with Segment's code and message members")
    func badWriteKey() async throws {
        try await withPatron { patron in
            let attempts: [(String, String?)] = [
                ("unknown write key", "wk_not-a-real-key"),
                ("secret key instead of write key", patron.storeA.secretKey),
                ("no key", nil),
            ]
            for (name, key) in attempts {
                let response = try await patron.segment("/v1/track", json: Self.track, writeKey: key)
                #expect(response.status == .unauthorized, "\(name): \(response.bodyText)")
                #expect(response.isProblem, "\(name)")
                let body = try response.json()
                #expect(body["code"]?.stringValue == "unauthorized", "\(name)")
                #expect(body["message"]?.stringValue?.isEmpty == false, "\(name)")
            }
            #expect(try await patron.customer(externalId: "seg-user-1") == nil, "nothing was stored")
        }
    }

    @Test("an invalid single message is a 400 naming the field, with Segment's code")
    func invalidSingleMessage() async throws {
        try await withPatron { patron in
            let response = try await patron.segment(
                "/v1/track", json: #"{"userId": "u-1", "messageId": "no-event"}"#, writeKey: patron.storeA.writeKey)
            #expect(response.status == .badRequest, "\(response.bodyText)")
            #expect(try response.json()["code"]?.stringValue == "invalid_request")
            #expect(try response.problemFields().contains("event"))
        }
    }

    @Test("POST /v1/batch with one invalid message: 200, rejected lists index 1, the valid messages are stored")
    func batchKeepsValidMessages() async throws {
        try await withPatron { patron in
            let body = #"""
                {"batch": [
                  {"type": "track", "userId": "seg-batch-user", "event": "Product Viewed", "messageId": "sb-0"},
                  {"type": "track", "userId": "seg-batch-user", "messageId": "sb-1"},
                  {"type": "identify", "userId": "seg-batch-user", "messageId": "sb-2", "traits": {"firstName": "Cleo"}}
                ], "sentAt": "2024-06-01T10:00:00Z"}
                """#
            let response = try await patron.segment("/v1/batch", json: body, writeKey: patron.storeA.writeKey)
            #expect(response.status == .ok, "\(response.bodyText)")
            let result = try response.json()
            #expect(result["success"]?.boolValue == true)
            let rejected = try #require(result["rejected"]?.arrayValue)
            #expect(rejected.count == 1)
            #expect(rejected.first?["index"]?.intValue == 1)
            let fields = rejected.first?["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
            #expect(fields == ["batch[1].event"])

            let customer = try #require(try await patron.customer(externalId: "seg-batch-user"))
            #expect(customer["firstName"]?.stringValue == "Cleo")
            let events = try await patron.events(customerId: try #require(customer["id"]?.intValue))
            let messageIds = Set(events.compactMap { $0["messageId"]?.stringValue })
            #expect(messageIds.contains("sb-0"))
            #expect(!messageIds.contains("sb-1"))
        }
    }

    @Test("a gzip body with Content-Encoding: gzip is inflated and accepted")
    func gzipBody() async throws {
        try await withPatron { patron in
            let body = #"""
                {"batch": [
                  {"type": "track", "userId": "gzip-user", "event": "Product Viewed", "messageId": "gz-0"},
                  {"type": "page", "userId": "gzip-user", "name": "Home", "messageId": "gz-1"}
                ]}
                """#
            var plain = ByteBuffer(string: body)
            let compressed = Array(try plain.compress(with: .gzip()).readableBytesView)
            #expect(compressed.starts(with: [0x1f, 0x8b]), "the body really is gzip")
            var headers = HTTPFields()
            headers[.contentEncoding] = "gzip"
            let response = try await patron.segment(
                "/v1/batch", body: compressed, writeKey: patron.storeA.writeKey, headers: headers)
            #expect(response.status == .ok, "\(response.bodyText)")
            #expect(try response.json() == ["success": true])

            let customer = try #require(try await patron.customer(externalId: "gzip-user"))
            let events = try await patron.events(customerId: try #require(customer["id"]?.intValue))
            #expect(Set(events.compactMap { $0["messageId"]?.stringValue }) == ["gz-0", "gz-1"])
            #expect(events.contains { $0["type"]?.stringValue == "Page Viewed" })

            headers[.contentEncoding] = "gzip"
            let notGzip = try await patron.segment(
                "/v1/track", json: Self.track, writeKey: patron.storeA.writeKey, headers: headers)
            #expect(notGzip.status == .badRequest, "a plain body labelled gzip: \(notGzip.bodyText)")
        }
    }

    @Test("Order Completed creates the order with exact minor units; Order Refunded refunds it")
    func orderCompleted() async throws {
        try await withPatron { patron in
            let completed = #"""
                {"userId": "seg-buyer", "event": "Order Completed", "messageId": "seg-oc-1",
                 "timestamp": "2024-06-01T12:00:00Z",
                 "properties": {"order_id": "seg-order-1", "total": 45.68, "shipping": 5, "tax": 3.2,
                   "discount": 2.5, "coupon": "SUMMER", "currency": "USD",
                   "products": [{"product_id": "p-1", "sku": "TEE-1", "name": "Tee", "price": 19.99, "quantity": 2}]}}
                """#
            let response = try await patron.segment("/v1/track", json: completed, writeKey: patron.storeA.writeKey)
            #expect(response.status == .ok, "\(response.bodyText)")

            let order = try #require(try await patron.order(externalId: "seg-order-1"))
            #expect(order["currency"]?.stringValue == "USD")
            #expect(order["total"]?.intValue == 4568)
            #expect(order["subtotal"]?.intValue == 3998)
            #expect(order["shippingTotal"]?.intValue == 500)
            #expect(order["taxTotal"]?.intValue == 320)
            #expect(order["discountTotal"]?.intValue == 250)
            #expect(order["discountCodes"]?[0]?["code"]?.stringValue == "SUMMER")
            #expect(order["placedAt"]?.stringValue == "2024-06-01T12:00:00.000Z")
            let line = try #require(order["lineItems"]?[0])
            #expect(line["unitPrice"]?.intValue == 1999)
            #expect(line["quantity"]?.intValue == 2)
            #expect(line["productExternalId"]?.stringValue == "p-1")
            let customer = try #require(try await patron.customer(externalId: "seg-buyer"))
            #expect(order["customerId"]?.intValue == customer["id"]?.intValue)

            let refunded = #"""
                {"userId": "seg-buyer", "event": "Order Refunded", "messageId": "seg-or-1",
                 "timestamp": "2024-06-02T12:00:00Z",
                 "properties": {"order_id": "seg-order-1", "total": 10, "currency": "USD"}}
                """#
            let refundResponse = try await patron.segment(
                "/v1/track", json: refunded, writeKey: patron.storeA.writeKey)
            #expect(refundResponse.status == .ok, "\(refundResponse.bodyText)")
            let afterRefund = try #require(try await patron.order(externalId: "seg-order-1"))
            #expect(afterRefund["refundedTotal"]?.intValue == 1000)
            #expect(afterRefund["financialStatus"]?.stringValue == "partially_refunded")
        }
    }

    @Test("an anonymous event joins the customer when identify links its anonymousId")
    func anonymousActivityMerges() async throws {
        try await withPatron { patron in
            let anonymous = #"""
                {"anonymousId": "anon-42", "event": "Product Viewed", "messageId": "anon-msg-1",
                 "properties": {"product_id": "p-5"}}
                """#
            let tracked = try await patron.segment("/v1/track", json: anonymous, writeKey: patron.storeA.writeKey)
            #expect(tracked.status == .ok, "\(tracked.bodyText)")
            let before = try #require(try await patron.events().first { $0["messageId"]?.stringValue == "anon-msg-1" })
            #expect(before["customerId"]?.isNull == true)
            #expect(before["anonymousId"]?.stringValue == "anon-42")

            let identify = #"""
                {"userId": "known-7", "anonymousId": "anon-42", "messageId": "identify-1",
                 "traits": {"email": "known7@example.com", "firstName": "Kim"}}
                """#
            let identified = try await patron.segment("/v1/identify", json: identify, writeKey: patron.storeA.writeKey)
            #expect(identified.status == .ok, "\(identified.bodyText)")

            let customer = try #require(try await patron.customer(externalId: "known-7"))
            let customerId = try #require(customer["id"]?.intValue)
            #expect(customer["email"]?.stringValue == "known7@example.com")
            #expect(customer["anonymousIds"]?.arrayValue?.contains("anon-42") == true)
            let events = try await patron.events(customerId: customerId)
            #expect(events.contains { $0["messageId"]?.stringValue == "anon-msg-1" }, "the anonymous event moved")
        }
    }

    @Test("a message over Segment's 32 KB limit is a 413 problem, not a server error")
    func oversizedMessage() async throws {
        try await withPatron { patron in
            let padding = String(repeating: "x", count: 40 * 1024)
            let body = #"{"userId": "big", "event": "Big", "properties": {"blob": ""# + padding + #""}}"#
            let response = try await patron.segment("/v1/track", json: body, writeKey: patron.storeA.writeKey)
            #expect(response.status.code < 500, "\(response.status): \(response.bodyText)")
            #expect(response.status == .contentTooLarge)
            #expect(try await patron.customer(externalId: "big") == nil)
        }
    }
}
