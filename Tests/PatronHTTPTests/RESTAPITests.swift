import Foundation
import HTTPTypes
import HummingbirdTesting
import PatronCore
import PatronStore
import Testing

/// Request bodies shared by the REST tests.
enum RESTFixture {
    static let customer = #"{"externalId": "cust-1", "email": "ana@example.com", "firstName": "Ana"}"#

    /// An order whose external id is beyond 2^53 (a double would round it) sent as a JSON number.
    /// Subtotal = 3 * 1999 - 500 + 1 * 1250 = 6747; total = 6747 - 300 + 499 + 812 = 7758.
    static let orderExternalId = "9007199254740993"
    static let order = #"""
        {
          "externalId": 9007199254740993,
          "number": "#1001",
          "customerExternalId": "cust-1",
          "currency": "EUR",
          "placedAt": "2024-05-01T12:30:00Z",
          "lineItems": [
            {"title": "Linen Shirt", "sku": "SHIRT-M", "quantity": 3, "unitPrice": 1999, "discount": 500},
            {"title": "Mug", "productExternalId": "mug-1", "quantity": 1, "unitPrice": 1250, "tax": 100}
          ],
          "discountCodes": [{"code": "SPRING", "amount": 300}],
          "shippingTotal": 499,
          "taxTotal": 812
        }
        """#

    static func simpleOrder(externalId: String, unitPrice: Int, customer: String = "cust-1") -> String {
        """
        {"externalId": "\(externalId)", "customerExternalId": "\(customer)", "currency": "USD",
         "placedAt": "2024-05-01T12:30:00Z", "lineItems": [{"title": "Tee", "quantity": 1, "unitPrice": \(unitPrice)}]}
        """
    }
}

@Suite("REST API: upserts and reads")
struct RESTAPITests {
    @Test("POST /customers creates (201), then the same externalId updates (200) the same row")
    func customerCreateThenUpdate() async throws {
        try await withPatron { patron in
            let created = try await patron.api(.post, "/api/v1/customers", json: RESTFixture.customer)
            #expect(created.status == .created, "\(created.bodyText)")
            let first = try created.json()
            let id = try #require(first["id"]?.intValue)
            #expect(first["externalId"]?.stringValue == "cust-1")
            #expect(first["firstName"]?.stringValue == "Ana")

            let updated = try await patron.api(
                .post, "/api/v1/customers", json: #"{"externalId": "cust-1", "firstName": "Anna", "country": "pt"}"#)
            #expect(updated.status == .ok, "\(updated.bodyText)")
            let second = try updated.json()
            #expect(second["id"]?.intValue == id)
            #expect(second["firstName"]?.stringValue == "Anna")
            #expect(second["email"]?.stringValue == "ana@example.com", "an omitted field keeps its stored value")
            #expect(second["country"]?.stringValue == "PT")

            let all = try await patron.list("/api/v1/customers")
            #expect(all.count == 1)
        }
    }

    @Test("GET /customers/{id} returns the profile with stats and a timeline of orders and events")
    func customerProfile() async throws {
        try await withPatron { patron in
            let created = try await patron.api(.post, "/api/v1/customers", json: RESTFixture.customer)
            let id = try #require(try created.json()["id"]?.intValue)
            let order = try await patron.api(.post, "/api/v1/orders", json: RESTFixture.order)
            #expect(order.status == .created, "\(order.bodyText)")
            let event = try await patron.api(
                .post, "/api/v1/events",
                json: #"{"type": "Product Viewed", "customerExternalId": "cust-1", "messageId": "profile-1"}"#)
            #expect(event.status == .created, "\(event.bodyText)")

            let response = try await patron.api(.get, "/api/v1/customers/\(id)")
            #expect(response.status == .ok, "\(response.bodyText)")
            let profile = try response.json()
            #expect(profile["id"]?.intValue == id)
            #expect(profile["email"]?.stringValue == "ana@example.com")
            let stats = try #require(profile["stats"])
            #expect(stats["ordersCount"]?.intValue == 1)
            #expect(stats["totalSpent"]?.intValue == 7758)
            #expect(stats["currency"]?.stringValue == "EUR")
            let timeline = try #require(profile["timeline"]?.arrayValue)
            let kinds = Set(timeline.compactMap { $0["kind"]?.stringValue })
            #expect(kinds.isSuperset(of: ["order", "event"]), "timeline kinds: \(kinds)")
            let orderEntry = timeline.first { $0["kind"]?.stringValue == "order" }
            #expect(orderEntry?["data"]?["externalId"]?.stringValue == RESTFixture.orderExternalId)
        }
    }

    @Test("GET /customers finds a customer by e-mail (case-insensitively) and by externalId")
    func customerLookup() async throws {
        try await withPatron { patron in
            _ = try await patron.api(.post, "/api/v1/customers", json: RESTFixture.customer)
            _ = try await patron.api(
                .post, "/api/v1/customers", json: #"{"externalId": "cust-2", "email": "bo@example.com"}"#)

            let byEmail = try await patron.list("/api/v1/customers?email=ANA@Example.com")
            #expect(byEmail.count == 1)
            #expect(byEmail.first?["externalId"]?.stringValue == "cust-1")

            let byExternalId = try await patron.list("/api/v1/customers?externalId=cust-2")
            #expect(byExternalId.count == 1)
            #expect(byExternalId.first?["email"]?.stringValue == "bo@example.com")

            let nobody = try await patron.list("/api/v1/customers?email=nobody@example.com")
            #expect(nobody.isEmpty)
        }
    }

    @Test("POST /orders keeps a 64-bit externalId exact and computes the totals in exact minor units")
    func orderTotals() async throws {
        try await withPatron { patron in
            let response = try await patron.api(.post, "/api/v1/orders", json: RESTFixture.order)
            #expect(response.status == .created, "\(response.bodyText)")
            let order = try response.json()
            #expect(order["externalId"]?.stringValue == RESTFixture.orderExternalId)
            #expect(order["currency"]?.stringValue == "EUR")
            #expect(order["subtotal"]?.intValue == 6747)
            #expect(order["discountTotal"]?.intValue == 300)
            #expect(order["shippingTotal"]?.intValue == 499)
            #expect(order["taxTotal"]?.intValue == 812)
            #expect(order["total"]?.intValue == 7758)
            #expect(order["placedAt"]?.stringValue == "2024-05-01T12:30:00.000Z")
            let lines = try #require(order["lineItems"]?.arrayValue)
            #expect(lines.count == 2)
            #expect(lines.first?["quantity"]?.intValue == 3)
            #expect(lines.first?["unitPrice"]?.intValue == 1999)
            #expect(lines.first?["discount"]?.intValue == 500)
            #expect(order["discountCodes"]?[0]?["code"]?.stringValue == "SPRING")

            let customer = try #require(try await patron.customer(externalId: "cust-1"))
            #expect(order["customerId"]?.intValue == customer["id"]?.intValue, "the order links its customer")

            let again = try await patron.api(.post, "/api/v1/orders", json: RESTFixture.order)
            #expect(again.status == .ok, "re-sending the order updates it")
            #expect(try again.json()["id"]?.intValue == order["id"]?.intValue)
        }
    }

    @Test("GET /orders/{id} and GET /orders?externalId= return the stored order")
    func orderRead() async throws {
        try await withPatron { patron in
            let created = try await patron.api(.post, "/api/v1/orders", json: RESTFixture.order)
            let id = try #require(try created.json()["id"]?.intValue)

            let response = try await patron.api(.get, "/api/v1/orders/\(id)")
            #expect(response.status == .ok, "\(response.bodyText)")
            let order = try response.json()
            #expect(order["id"]?.intValue == id)
            #expect(order["total"]?.intValue == 7758)
            #expect(order["lineItems"]?.arrayValue?.count == 2)

            let listed = try await patron.order(externalId: RESTFixture.orderExternalId)
            #expect(listed?["id"]?.intValue == id)

            let missing = try await patron.api(.get, "/api/v1/orders/\(id + 1000)")
            #expect(missing.status == .notFound)
            #expect(missing.isProblem)
            #expect(!missing.isRouterNotFound)
        }
    }

    @Test("POST /products stores the product with its variants, options and prices")
    func productWithVariants() async throws {
        try await withPatron { patron in
            let body = #"""
                {
                  "externalId": "prod-1", "title": "Organic Tee", "currency": "EUR", "category": "Shirts",
                  "variants": [
                    {"externalId": "prod-1-s", "sku": "TEE-S", "price": 2500, "options": {"size": "S"}},
                    {"externalId": "prod-1-m", "sku": "TEE-M", "price": 2600, "compareAtPrice": 3000,
                     "stock": 7, "options": {"size": "M"}}
                  ]
                }
                """#
            let response = try await patron.api(.post, "/api/v1/products", json: body)
            #expect(response.status == .created, "\(response.bodyText)")
            let product = try response.json()
            #expect(product["externalId"]?.stringValue == "prod-1")
            #expect(product["currency"]?.stringValue == "EUR")
            let variants = try #require(product["variants"]?.arrayValue)
            #expect(variants.count == 2)
            #expect(variants.map { $0["sku"]?.stringValue } == ["TEE-S", "TEE-M"])
            #expect(variants.last?["price"]?.intValue == 2600)
            #expect(variants.last?["compareAtPrice"]?.intValue == 3000)
            #expect(variants.last?["stock"]?.intValue == 7)
            #expect(variants.last?["options"]?["size"]?.stringValue == "M")

            let id = try #require(product["id"]?.intValue)
            let read = try await patron.api(.get, "/api/v1/products/\(id)")
            #expect(read.status == .ok)
            #expect(try read.json()["variants"]?.arrayValue?.count == 2)
        }
    }

    @Test("POST /shipments with tracking events takes the latest event's status")
    func shipmentStatusFromEvents() async throws {
        try await withPatron { patron in
            let order = try await patron.api(.post, "/api/v1/orders", json: RESTFixture.order)
            let orderId = try #require(try order.json()["id"]?.intValue)
            let body = #"""
                {
                  "externalId": "ship-1", "orderExternalId": "9007199254740993", "carrier": "UPS",
                  "trackingNumber": "1Z999AA10123456784",
                  "events": [
                    {"status": "in_transit", "occurredAt": "2024-05-02T08:00:00Z", "location": "Lyon"},
                    {"status": "delivered", "occurredAt": "2024-05-03T15:45:00Z"}
                  ]
                }
                """#
            let response = try await patron.api(.post, "/api/v1/shipments", json: body)
            #expect(response.status == .created, "\(response.bodyText)")
            let shipment = try response.json()
            #expect(shipment["status"]?.stringValue == "delivered")
            #expect(shipment["deliveredAt"]?.stringValue == "2024-05-03T15:45:00.000Z")
            #expect(shipment["orderId"]?.intValue == orderId)
            #expect(shipment["carrier"]?.stringValue == "UPS")
            let events = try #require(shipment["events"]?.arrayValue)
            #expect(events.map { $0["status"]?.stringValue } == ["in_transit", "delivered"])
            #expect(events.first?["location"]?.stringValue == "Lyon")

            let id = try #require(shipment["id"]?.intValue)
            let read = try await patron.api(.get, "/api/v1/shipments/\(id)")
            #expect(try read.json()["status"]?.stringValue == "delivered")
        }
    }

    @Test("POST /events answers 201, then 200 with duplicate true for the same messageId")
    func eventDeduplication() async throws {
        try await withPatron { patron in
            let body = #"""
                {"type": "Product Viewed", "customerExternalId": "cust-1", "messageId": "msg-1",
                 "occurredAt": "2024-05-01T09:00:00Z", "properties": {"product_id": "prod-1"}}
                """#
            let first = try await patron.api(.post, "/api/v1/events", json: body)
            #expect(first.status == .created, "\(first.bodyText)")
            let firstEvent = try first.json()
            #expect(firstEvent["duplicate"]?.boolValue == false)
            #expect(firstEvent["productExternalIds"]?[0]?.stringValue == "prod-1")

            let second = try await patron.api(.post, "/api/v1/events", json: body)
            #expect(second.status == .ok, "\(second.bodyText)")
            let secondEvent = try second.json()
            #expect(secondEvent["duplicate"]?.boolValue == true)
            #expect(secondEvent["id"]?.intValue == firstEvent["id"]?.intValue)

            let events = try await patron.events()
            #expect(events.filter { $0["messageId"]?.stringValue == "msg-1" }.count == 1)
        }
    }

    @Test("A refund that arrives before its order is applied when the order comes")
    func refundBeforeOrder() async throws {
        try await withPatron { patron in
            let refund = try await patron.api(
                .post, "/api/v1/refunds",
                json: #"""
                    {"orderExternalId": "early-order", "externalId": "refund-1", "amount": 500,
                     "createdAt": "2024-05-05T10:00:00Z", "reason": "damaged"}
                    """#)
            #expect(refund.status == .created, "\(refund.bodyText)")
            #expect(try refund.json()["amount"]?.intValue == 500)
            #expect(try await patron.order(externalId: "early-order") == nil, "no order is listed before it arrives")

            let created = try await patron.api(
                .post, "/api/v1/orders", json: RESTFixture.simpleOrder(externalId: "early-order", unitPrice: 2000))
            #expect(created.status == .created, "\(created.bodyText)")
            let order = try created.json()
            #expect(order["total"]?.intValue == 2000)
            #expect(order["refundedTotal"]?.intValue == 500)
            #expect(order["financialStatus"]?.stringValue == "partially_refunded")
            #expect(order["refunds"]?[0]?["externalId"]?.stringValue == "refund-1")
        }
    }

    @Test("A refund of the whole amount that arrives before its order leaves the order refunded")
    func fullRefundBeforeOrder() async throws {
        try await withPatron { patron in
            let refund = try await patron.api(
                .post, "/api/v1/refunds",
                json: #"""
                    {"orderExternalId": "early-full", "externalId": "refund-full", "amount": 2000,
                     "createdAt": "2024-05-05T10:00:00Z"}
                    """#)
            #expect(refund.status == .created, "\(refund.bodyText)")
            _ = try await patron.api(
                .post, "/api/v1/orders", json: RESTFixture.simpleOrder(externalId: "early-full", unitPrice: 2000))
            let order = try #require(try await patron.order(externalId: "early-full"))
            #expect(order["refundedTotal"]?.intValue == 2000)
            // Same status as when the refund arrives after the order.
            #expect(order["financialStatus"]?.stringValue == "refunded")
        }
    }

    @Test("A refund that arrives after its order updates the order's refunded total and status")
    func refundAfterOrder() async throws {
        try await withPatron { patron in
            _ = try await patron.api(
                .post, "/api/v1/orders", json: RESTFixture.simpleOrder(externalId: "late-refund", unitPrice: 2000))
            let refund = try await patron.api(
                .post, "/api/v1/refunds",
                json: #"""
                    {"orderExternalId": "late-refund", "externalId": "refund-late", "amount": 2000,
                     "createdAt": "2024-05-05T10:00:00Z"}
                    """#)
            #expect(refund.status == .created, "\(refund.bodyText)")
            let order = try #require(try await patron.order(externalId: "late-refund"))
            #expect(order["refundedTotal"]?.intValue == 2000)
            #expect(order["financialStatus"]?.stringValue == "refunded")
        }
    }
}
