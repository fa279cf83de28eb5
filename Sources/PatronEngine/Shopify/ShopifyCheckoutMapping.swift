import Foundation
import PatronCore

/// Maps a Shopify checkout (`checkouts/create|update`) to an E-commerce Spec v2 style event, plus the
/// customer it carries.
enum ShopifyCheckoutMapping {
    static let startedEvent = "Checkout Started"
    static let updatedEvent = "Checkout Updated"

    static func operations(
        _ reader: inout FieldReader, eventType: String, receivedAt: Date
    ) -> [IngestOperation]? {
        // Recent API versions send no `id` in checkout payloads; the token is present in every version.
        let checkoutId = reader.text("token", maxLength: 255) ?? reader.identifier("id")
        if checkoutId == nil { reader.fail("token", "is required (or id)") }
        let currency = reader.currency("currency", required: true)
        let createdAt = reader.timestamp("created_at")
        let updatedAt = reader.timestamp("updated_at")
        // The version stamp makes re-deliveries of one checkout state dedupe while later states stay distinct.
        let version = reader.text("updated_at") ?? reader.text("created_at")
        if version == nil { reader.fail("updated_at", "is required") }
        guard let checkoutId, let currency, let version else { return nil }

        var properties: [String: JSONValue] = ["checkout_id": .string(checkoutId), "currency": .string(currency.code)]
        for (property, key) in [
            ("value", "total_price"), ("revenue", "subtotal_price"), ("tax", "total_tax"),
            ("discount", "total_discounts"),
        ] {
            properties[property] = reader.money(key, currency: currency).map {
                ShopifyMoney.decimal($0, currency: currency)
            }
        }
        let coupon = reader.object["discount_codes"]?.arrayValue?.first?["code"]?.stringValue
        properties["coupon"] = coupon.map(JSONValue.string)
        properties["url"] = reader.text("abandoned_checkout_url", maxLength: 2_000).map(JSONValue.string)
        properties["completed_at"] = reader.text("completed_at").map(JSONValue.string)
        let products = reader.objects("line_items") { product(&$0, currency: currency) } ?? []
        properties["products"] = .array(products)

        let customer = reader.nested("customer") { ShopifyCustomerMapping.customer(&$0) }
        let email = reader.lenient { $0.email("email") } ?? customer?.email
        let ref = CustomerRef(externalId: customer?.externalId, email: email)
        // A checkout with neither e-mail nor customer cannot be tied to anyone or recovered; nothing to record.
        guard !ref.isEmpty else { return [] }

        let occurredAt = eventType == startedEvent ? createdAt ?? updatedAt : updatedAt ?? createdAt
        var event = EventInput(
            type: eventType, customer: ref, messageId: "shopify-checkout-\(checkoutId)-\(version)",
            occurredAt: occurredAt ?? receivedAt, source: .shopify)
        event.properties = properties
        event.productExternalIds = ProductReferences.extract(from: properties)

        var operations: [IngestOperation] = []
        if var customer, customer.externalId != nil || customer.email != nil || email != nil {
            if customer.email == nil { customer.email = email }
            operations.append(.customer(customer))
        }
        operations.append(.event(event))
        return operations
    }

    /// One line of the checkout as an E-commerce Spec v2 product.
    static func product(_ reader: inout FieldReader, currency: Currency) -> JSONValue? {
        let quantity = reader.integer("quantity", required: true, range: 0...1_000_000)
        let price = reader.money("price", currency: currency, required: true)
        guard let quantity, let price else { return nil }
        return .compactObject([
            "product_id": reader.identifier("product_id").map(JSONValue.string),
            "variant_id": reader.identifier("variant_id").map(JSONValue.string),
            "variant": reader.text("variant_title", maxLength: 500).map(JSONValue.string),
            "sku": reader.text("sku", maxLength: 200).map(JSONValue.string),
            "name": (reader.text("title", maxLength: 500) ?? reader.text("presentment_title", maxLength: 500))
                .map(JSONValue.string),
            "brand": reader.text("vendor", maxLength: 200).map(JSONValue.string),
            "price": ShopifyMoney.decimal(price, currency: currency),
            "quantity": .int(quantity),
        ])
    }
}
