import Foundation
import PatronCore

/// Maps a Shopify order (the payload of `orders/create|updated|paid|cancelled`) to an `OrderInput`.
enum ShopifyOrderMapping {
    static func order(_ reader: inout FieldReader) -> OrderInput? {
        let externalId = reader.identifier("id", required: true)
        let currency = reader.currency("currency", required: true)
        let createdAt = reader.timestamp("created_at", required: true)
        // Imported orders carry their real date in processed_at; created_at is then the import time.
        let processedAt = reader.timestamp("processed_at")
        guard let externalId, let currency, let createdAt else { return nil }

        var order = OrderInput(
            externalId: externalId, customer: CustomerRef(), currency: currency, placedAt: processedAt ?? createdAt)
        order.number = reader.text("name", maxLength: 100) ?? reader.identifier("order_number")
        order.financialStatus = financialStatus(reader.text("financial_status"))
        order.fulfillmentStatus = fulfillmentStatus(reader.text("fulfillment_status"))
        order.cancelledAt = reader.timestamp("cancelled_at")
        order.cancelReason = reader.text("cancel_reason", maxLength: 200)
        order.lineItems = reader.objects("line_items") { lineItem(&$0, currency: currency) } ?? []
        order.discountCodes =
            reader.objects("discount_codes", maxCount: 100) { item in
                let amount = item.money("amount", currency: currency, required: true)
                guard let code = item.string("code", required: true, maxLength: 100), let amount else { return nil }
                return DiscountInput(code: code, amount: amount)
            } ?? []
        order.subtotal = reader.money("subtotal_price", currency: currency)
        order.discountTotal =
            reader.money("total_discounts", currency: currency) ?? order.discountCodes.map(\.amount).saturatingSum()
        if let shipping = reader.shopMoney("total_shipping_price_set", currency: currency) {
            order.shippingTotal = shipping
        } else {
            order.shippingTotal = reader.moneySum("shipping_lines", amountKey: "price", currency: currency) ?? 0
        }
        order.taxTotal = reader.money("total_tax", currency: currency) ?? 0
        order.total = reader.money("total_price", currency: currency)
        // Some payloads write a missing address as [] rather than null.
        order.shippingAddress = reader.lenient { $0.nested("shipping_address") { address(&$0) } }
        order.sourceName = reader.text("source_name", maxLength: 100)
        order.tags = reader.shopifyTags("tags") ?? []
        order.sourceUpdatedAt = reader.timestamp("updated_at")
        order.refunds =
            reader.objects("refunds", maxCount: 250) { item in
                ShopifyRefundMapping.refund(&item, orderExternalId: externalId, orderCurrency: currency)
            } ?? []
        attachCustomer(&order, &reader)
        return order
    }

    static func lineItem(_ reader: inout FieldReader, currency: Currency) -> LineItemInput? {
        let quantity = reader.integer("quantity", required: true, range: 0...1_000_000)
        let unitPrice = reader.money("price", currency: currency, required: true)
        guard let quantity, let unitPrice else { return nil }
        var item = LineItemInput(
            title: reader.text("title", maxLength: 500) ?? reader.text("name", maxLength: 500) ?? "",
            quantity: quantity, unitPrice: unitPrice)
        item.externalId = reader.identifier("id")
        item.productExternalId = reader.identifier("product_id")
        item.variantExternalId = reader.identifier("variant_id")
        item.sku = reader.text("sku", maxLength: 200)
        // discount_allocations holds every discount on the line, order-level codes included; the older
        // total_discount is often "0.00" even when the line is discounted.
        if reader.object["discount_allocations"]?.arrayValue?.isEmpty == false {
            item.discount = reader.moneySum("discount_allocations", amountKey: "amount", currency: currency) ?? 0
        } else {
            item.discount = reader.money("total_discount", currency: currency) ?? 0
        }
        item.tax = reader.moneySum("tax_lines", amountKey: "price", currency: currency) ?? 0
        if item.title.isEmpty { item.title = item.sku ?? item.productExternalId ?? "" }
        return item
    }

    static func address(_ reader: inout FieldReader) -> Address? {
        var address = Address()
        address.name = reader.text("name", maxLength: 200) ?? fullName(reader)
        address.company = reader.text("company", maxLength: 200)
        address.address1 = reader.text("address1", maxLength: 300)
        address.address2 = reader.text("address2", maxLength: 300)
        address.city = reader.text("city", maxLength: 200)
        address.province = reader.text("province", maxLength: 200)
        address.postalCode = reader.text("zip", maxLength: 40)
        address.country = reader.lenient { $0.countryCode("country_code") }
        address.phone = reader.text("phone", maxLength: 40)
        return address
    }

    static func financialStatus(_ text: String?) -> FinancialStatus {
        switch text?.lowercased() {
        case "authorized": .authorized
        case "paid": .paid
        case "partially_refunded": .partiallyRefunded
        case "refunded": .refunded
        case "voided", "expired": .voided
        // "pending", "partially_paid" and any status Shopify adds later: not (fully) paid yet.
        default: .pending
        }
    }

    static func fulfillmentStatus(_ text: String?) -> FulfillmentStatus {
        switch text?.lowercased() {
        case "fulfilled", "shipped": .fulfilled
        case "partial": .partial
        case "restocked": .restocked
        default: .unfulfilled
        }
    }

    /// Sets the customer reference and details. A guest order (no `customer` object) still yields customer
    /// details keyed by e-mail, named from the billing or shipping address.
    static func attachCustomer(_ order: inout OrderInput, _ reader: inout FieldReader) {
        let email = reader.lenient { $0.email("email") } ?? reader.lenient { $0.email("contact_email") }
        let addressReader = billingOrShippingAddress(reader)
        if var details = reader.nested("customer", { ShopifyCustomerMapping.customer(&$0) }),
            details.externalId != nil || details.email != nil || email != nil
        {
            if details.email == nil { details.email = email }
            if details.country == nil { details.country = addressReader?.lenient { $0.countryCode("country_code") } }
            order.customer = CustomerRef(externalId: details.externalId, email: email ?? details.email)
            order.customerDetails = details
        } else if let email {
            var details = CustomerInput(email: email)
            details.firstName = addressReader?.text("first_name", maxLength: 200)
            details.lastName = addressReader?.text("last_name", maxLength: 200)
            details.country = addressReader?.lenient { $0.countryCode("country_code") }
            details.phone = reader.lenient { $0.phone("phone") }
            if reader.lenient({ $0.bool("buyer_accepts_marketing") }) == true {
                details.consents = [
                    ConsentInput(
                        channel: .email, state: .subscribed, source: ShopifyCustomerMapping.source,
                        recordedAt: order.placedAt)
                ]
            }
            order.customer = CustomerRef(email: email)
            order.customerDetails = details
        }
    }

    private static func billingOrShippingAddress(_ reader: FieldReader) -> FieldReader? {
        for key in ["billing_address", "shipping_address"] {
            if let members = reader.object[key]?.objectValue {
                return FieldReader(members, path: reader.path.member(key))
            }
        }
        return nil
    }

    private static func fullName(_ reader: FieldReader) -> String? {
        let parts = [reader.text("first_name", maxLength: 100), reader.text("last_name", maxLength: 100)]
        let name = parts.compactMap { $0 }.joined(separator: " ")
        return name.isEmpty ? nil : name
    }
}
