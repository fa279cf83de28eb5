import Foundation

extension OrderInput {
    /// Reads the REST representation (`docs/api.md`).
    public static func read(_ reader: inout FieldReader) -> OrderInput? {
        let externalId = reader.identifier("externalId", required: true)
        let currency = reader.currency("currency", required: true)
        let placedAt = reader.timestamp("placedAt", required: true)
        let customer = reader.customerRef()
        let details = reader.nested("customer") { CustomerInput.read(&$0) }
        var order = OrderInput(
            externalId: externalId ?? "", customer: customer, currency: currency ?? .usd, placedAt: placedAt ?? Date())
        if let details {
            order.customerDetails = details
            if order.customer.externalId == nil { order.customer.externalId = details.externalId }
            if order.customer.email == nil { order.customer.email = details.email }
        }
        order.number = reader.string("number", maxLength: 100)
        order.financialStatus = reader.enumeration("financialStatus", as: FinancialStatus.self) ?? .paid
        order.fulfillmentStatus = reader.enumeration("fulfillmentStatus", as: FulfillmentStatus.self) ?? .unfulfilled
        order.cancelledAt = reader.timestamp("cancelledAt")
        order.cancelReason = reader.string("cancelReason", maxLength: 200)
        order.lineItems = reader.objects("lineItems", required: true, maxCount: 500) { LineItemInput.read(&$0) } ?? []
        if reader.has("lineItems"), order.lineItems.isEmpty, reader.errors.isEmpty {
            reader.fail("lineItems", "expected at least one line item")
        }
        order.discountCodes =
            reader.objects("discountCodes", maxCount: 50) { item in
                guard let code = item.string("code", required: true, maxLength: 100),
                    let amount = item.minorUnits("amount", required: true)
                else { return nil }
                return DiscountInput(code: code, amount: amount)
            } ?? []
        order.subtotal = reader.minorUnits("subtotal")
        order.discountTotal = reader.minorUnits("discountTotal") ?? order.discountCodes.map(\.amount).saturatingSum()
        order.shippingTotal = reader.minorUnits("shippingTotal") ?? 0
        order.taxTotal = reader.minorUnits("taxTotal") ?? 0
        order.total = reader.minorUnits("total")
        order.shippingAddress = reader.nested("shippingAddress") { Address.read(&$0) }
        order.sourceName = reader.string("sourceName", maxLength: 100)
        order.tags = reader.strings("tags") ?? []
        order.sourceUpdatedAt = reader.timestamp("updatedAt")
        order.refunds =
            reader.objects("refunds", maxCount: 100) { item in
                RefundInput.read(&item, orderExternalId: externalId ?? "")
            } ?? []
        if order.hasAmountOverflow {
            reader.fail("lineItems", "the order's amounts add up beyond the accepted range")
        }
        guard externalId != nil, currency != nil, placedAt != nil else { return nil }
        return order
    }
}

extension LineItemInput {
    static func read(_ reader: inout FieldReader) -> LineItemInput? {
        let title = reader.string("title", maxLength: 500)
        let quantity = reader.integer("quantity", required: true)
        if let quantity, !(1...1_000_000).contains(quantity) {
            reader.fail("quantity", "expected a quantity from 1 to 1000000, got \(quantity)")
        }
        let unitPrice = reader.minorUnits("unitPrice", required: true)
        var item = LineItemInput(title: title ?? "", quantity: quantity ?? 1, unitPrice: unitPrice ?? 0)
        item.externalId = reader.identifier("externalId")
        item.productExternalId = reader.identifier("productExternalId")
        item.variantExternalId = reader.identifier("variantExternalId")
        item.sku = reader.string("sku", maxLength: 200)
        item.discount = reader.minorUnits("discount") ?? 0
        item.tax = reader.minorUnits("tax") ?? 0
        if title == nil, item.sku == nil, item.productExternalId == nil {
            reader.fail("title", "is required when there is no sku or productExternalId")
        }
        if item.title.isEmpty { item.title = item.sku ?? item.productExternalId ?? "" }
        return item
    }
}

extension Address {
    static func read(_ reader: inout FieldReader) -> Address? {
        var address = Address()
        address.name = reader.string("name", maxLength: 200)
        address.company = reader.string("company", maxLength: 200)
        address.address1 = reader.string("address1", maxLength: 300)
        address.address2 = reader.string("address2", maxLength: 300)
        address.city = reader.string("city", maxLength: 200)
        address.province = reader.string("province", maxLength: 200)
        address.postalCode = reader.string("postalCode", maxLength: 40)
        address.country = reader.countryCode("country")
        address.phone = reader.string("phone", maxLength: 40)
        return address
    }
}

extension RefundInput {
    public static func read(_ reader: inout FieldReader, orderExternalId: String) -> RefundInput? {
        let externalId = reader.identifier("externalId", required: true)
        let createdAt = reader.timestamp("createdAt", required: true)
        let amount = reader.minorUnits("amount", required: true)
        guard let externalId, let createdAt, let amount else { return nil }
        var refund = RefundInput(externalId: externalId, orderExternalId: orderExternalId, createdAt: createdAt, amount: amount)
        refund.reason = reader.string("reason", maxLength: 500)
        refund.lineItems =
            reader.objects("lineItems", maxCount: 500) { item in
                guard let quantity = item.integer("quantity", required: true, range: 1...1_000_000) else { return nil }
                var line = RefundLineInput(quantity: quantity)
                line.lineItemExternalId = item.identifier("lineItemExternalId")
                line.productExternalId = item.identifier("productExternalId")
                line.sku = item.string("sku", maxLength: 200)
                return line
            } ?? []
        return refund
    }
}
