import Foundation
import HTTPTypes
import HummingbirdTesting
import PatronCore
import PatronStore
import Testing

/// An `orders/create` payload trimmed from Tests/PatronEngineTests/Fixtures/shopify/orders_create.json.
/// Money: subtotal 360.00, discounts 40.00, shipping 7.00, tax 36.00, total 403.00 (USD).
enum ShopifyFixture {
    static let orderId = "5678901234567890123"
    static let customerId = "7012345678901234567"
    static let orderCreate = #"""
        {
          "id": 5678901234567890123,
          "admin_graphql_api_id": "gid://shopify/Order/5678901234567890123",
          "created_at": "2024-05-01T10:15:30-04:00",
          "processed_at": "2024-05-01T10:15:29-04:00",
          "updated_at": "2024-05-01T10:15:32-04:00",
          "currency": "USD",
          "email": "ana.silva@example.com",
          "financial_status": "paid",
          "fulfillment_status": null,
          "name": "#1001",
          "order_number": 1001,
          "source_name": "web",
          "tags": "first-order, newsletter",
          "subtotal_price": "360.00",
          "total_discounts": "40.00",
          "total_price": "403.00",
          "total_tax": "36.00",
          "total_shipping_price_set": {
            "shop_money": {"amount": "7.00", "currency_code": "USD"},
            "presentment_money": {"amount": "7.00", "currency_code": "USD"}
          },
          "discount_codes": [{"code": "WELCOME10", "amount": "40.00", "type": "percentage"}],
          "customer": {
            "id": 7012345678901234567,
            "email": "ana.silva@example.com",
            "first_name": "Ana",
            "last_name": "Silva",
            "created_at": "2024-04-28T08:00:00-04:00",
            "updated_at": "2024-05-01T10:15:31-04:00"
          },
          "line_items": [
            {
              "id": 14521287524567, "product_id": 8123456789012, "variant_id": 45123456789012,
              "title": "Organic Cotton Tee", "name": "Organic Cotton Tee - Black / M", "sku": "TEE-BLK-M",
              "price": "180.00", "quantity": 2, "total_discount": "0.00",
              "tax_lines": [{"price": "32.40", "rate": 0.1, "title": "State Tax"}],
              "discount_allocations": [{"amount": "36.00", "discount_application_index": 0}]
            },
            {
              "id": 14521287524568, "product_id": 8123456789013, "variant_id": 45123456789013,
              "title": "Ceramic Mug", "name": "Ceramic Mug", "sku": "MUG-WHT",
              "price": "40.00", "quantity": 1, "total_discount": "0.00",
              "tax_lines": [{"price": "3.60", "rate": 0.1, "title": "State Tax"}],
              "discount_allocations": [{"amount": "4.00", "discount_application_index": 0}]
            }
          ],
          "refunds": []
        }
        """#
}

@Suite("Shopify webhooks (/webhooks/shopify/{storeId})")
struct ShopifyWebhookTests {
    @Test("a signed orders/create is stored with the 64-bit Shopify id and exact minor units")
    func orderCreate() async throws {
        try await withPatron { patron in
            let response = try await patron.shopifyWebhook(
                storePath: "\(patron.storeA.id)", topic: "orders/create", body: ShopifyFixture.orderCreate,
                secret: patron.storeA.webhookSecret, webhookId: "wh-1")
            #expect(response.status == .ok, "\(response.bodyText)")
            #expect(try response.json()["duplicate"]?.boolValue == false)

            let order = try #require(try await patron.order(externalId: ShopifyFixture.orderId))
            #expect(order["externalId"]?.stringValue == ShopifyFixture.orderId)
            #expect(order["number"]?.stringValue == "#1001")
            #expect(order["currency"]?.stringValue == "USD")
            #expect(order["subtotal"]?.intValue == 36_000)
            #expect(order["discountTotal"]?.intValue == 4_000)
            #expect(order["shippingTotal"]?.intValue == 700)
            #expect(order["taxTotal"]?.intValue == 3_600)
            #expect(order["total"]?.intValue == 40_300)
            #expect(order["placedAt"]?.stringValue == "2024-05-01T14:15:29.000Z", "processed_at in UTC")
            #expect(order["financialStatus"]?.stringValue == "paid")
            let lines = try #require(order["lineItems"]?.arrayValue)
            try #require(lines.count == 2)
            #expect(lines[0]["externalId"]?.stringValue == "14521287524567")
            #expect(lines[0]["variantExternalId"]?.stringValue == "45123456789012")
            #expect(lines[0]["unitPrice"]?.intValue == 18_000)
            #expect(lines[0]["quantity"]?.intValue == 2)
            #expect(lines[0]["discount"]?.intValue == 3_600)
            #expect(lines[0]["tax"]?.intValue == 3_240)
            #expect(lines[1]["unitPrice"]?.intValue == 4_000)

            let customer = try #require(try await patron.customer(externalId: ShopifyFixture.customerId))
            #expect(customer["email"]?.stringValue == "ana.silva@example.com")
            #expect(customer["firstName"]?.stringValue == "Ana")
            #expect(order["customerId"]?.intValue == customer["id"]?.intValue)

            #expect(try await patron.order(externalId: ShopifyFixture.orderId, as: patron.storeB) == nil)
        }
    }

    @Test("a signature that does not match the body is a 401 and nothing is stored")
    func badSignature() async throws {
        try await withPatron { patron in
            let signedBody = ShopifyFixture.orderCreate.replacingOccurrences(of: "403.00", with: "1.00")
            let wrongSignature = PatronTestHarness.shopifySignature(
                Array(signedBody.utf8), secret: patron.storeA.webhookSecret)
            for signature in [wrongSignature, "not base64!", ""] {
                let response = try await patron.shopifyWebhook(
                    storePath: "\(patron.storeA.id)", topic: "orders/create", body: ShopifyFixture.orderCreate,
                    secret: patron.storeA.webhookSecret, signature: signature)
                #expect(response.status == .unauthorized, "signature \"\(signature)\": \(response.bodyText)")
                #expect(response.isProblem)
            }
            #expect(try await patron.order(externalId: ShopifyFixture.orderId) == nil)
        }
    }

    @Test("a body signed with another store's secret is a 401")
    func otherStoresSecret() async throws {
        try await withPatron { patron in
            let response = try await patron.shopifyWebhook(
                storePath: "\(patron.storeA.id)", topic: "orders/create", body: ShopifyFixture.orderCreate,
                secret: patron.storeB.webhookSecret)
            #expect(response.status == .unauthorized, "\(response.bodyText)")
            #expect(try await patron.order(externalId: ShopifyFixture.orderId) == nil)
            #expect(try await patron.order(externalId: ShopifyFixture.orderId, as: patron.storeB) == nil)
        }
    }

    @Test("an unknown or malformed store id is a 401")
    func unknownStore() async throws {
        try await withPatron { patron in
            for storePath in ["999999", "not-a-store", "-1"] {
                let response = try await patron.shopifyWebhook(
                    storePath: storePath, topic: "orders/create", body: ShopifyFixture.orderCreate,
                    secret: patron.storeA.webhookSecret)
                #expect(response.status == .unauthorized, "store \(storePath): \(response.bodyText)")
                #expect(response.isProblem)
            }
        }
    }

    @Test("the same X-Shopify-Webhook-Id again is a 200 duplicate that changes nothing")
    func redeliveryIsDuplicate() async throws {
        try await withPatron { patron in
            let first = try await patron.shopifyWebhook(
                storePath: "\(patron.storeA.id)", topic: "orders/create", body: ShopifyFixture.orderCreate,
                secret: patron.storeA.webhookSecret, webhookId: "wh-dup")
            #expect(first.status == .ok)

            let changed = ShopifyFixture.orderCreate.replacingOccurrences(
                of: #""total_price": "403.00""#, with: #""total_price": "999.00""#)
            #expect(changed != ShopifyFixture.orderCreate)
            let again = try await patron.shopifyWebhook(
                storePath: "\(patron.storeA.id)", topic: "orders/create", body: changed,
                secret: patron.storeA.webhookSecret, webhookId: "wh-dup")
            #expect(again.status == .ok, "\(again.bodyText)")
            #expect(try again.json()["duplicate"]?.boolValue == true)
            let order = try #require(try await patron.order(externalId: ShopifyFixture.orderId))
            #expect(order["total"]?.intValue == 40_300)

            // The same delivery id in another store is that store's first delivery.
            let inB = try await patron.shopifyWebhook(
                storePath: "\(patron.storeB.id)", topic: "orders/create", body: ShopifyFixture.orderCreate,
                secret: patron.storeB.webhookSecret, webhookId: "wh-dup")
            #expect(try inB.json()["duplicate"]?.boolValue == false)
            #expect(try await patron.order(externalId: ShopifyFixture.orderId, as: patron.storeB) != nil)
        }
    }

    @Test("a signed delivery without X-Shopify-Topic is a 422 naming the header")
    func missingTopic() async throws {
        try await withPatron { patron in
            let bytes = Array(ShopifyFixture.orderCreate.utf8)
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[PatronTestHarness.shopifyHmac] = PatronTestHarness.shopifySignature(
                bytes, secret: patron.storeA.webhookSecret)
            let response = try await patron.send(
                .post, "/webhooks/shopify/\(patron.storeA.id)", headers: headers, body: bytes)
            #expect(response.status == .unprocessableContent, "\(response.bodyText)")
            #expect(try response.problemFields() == ["X-Shopify-Topic"])
        }
    }

    @Test("a signed payload that fails validation is a 422 naming the Shopify field, never a 5xx")
    func invalidPayload() async throws {
        try await withPatron { patron in
            let body = ShopifyFixture.orderCreate.replacingOccurrences(
                of: #""currency": "USD""#, with: #""currency": "NOPE""#)
            let response = try await patron.shopifyWebhook(
                storePath: "\(patron.storeA.id)", topic: "orders/create", body: body,
                secret: patron.storeA.webhookSecret, webhookId: "wh-bad")
            #expect(response.status == .unprocessableContent, "\(response.bodyText)")
            #expect(try response.problemFields().contains("currency"))

            // A rejected delivery is not remembered: the corrected retry with the same id is applied.
            let retry = try await patron.shopifyWebhook(
                storePath: "\(patron.storeA.id)", topic: "orders/create", body: ShopifyFixture.orderCreate,
                secret: patron.storeA.webhookSecret, webhookId: "wh-bad")
            #expect(try retry.json()["duplicate"]?.boolValue == false)
            #expect(try await patron.order(externalId: ShopifyFixture.orderId) != nil)
        }
    }
}
