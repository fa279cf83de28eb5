import Foundation
import PatronCore

/// The orders, refunds and status changes carried by E-commerce Spec v2 track events. Every track call is
/// also stored as a plain event; this adds the store-data operations for the order lifecycle events.
enum SegmentCommerce {
    static func operations(event: String, _ reader: inout FieldReader, envelope: SegmentEnvelope) -> [IngestOperation] {
        switch event.trimmingCharacters(in: .whitespaces).lowercased() {
        case "order completed":
            return order(&reader, envelope: envelope).map { [.order($0)] } ?? []
        case "order updated":
            guard let products = reader.object["products"]?.arrayValue, !products.isEmpty else { return [] }
            guard var update = order(&reader, envelope: envelope) else { return [] }
            update.keepsStoredPlacement = true
            return [.order(update)]
        case "order refunded":
            return refund(&reader, envelope: envelope)
        case "order cancelled", "order canceled":
            guard let orderId = reader.identifier("order_id", required: true) else { return [] }
            var update = OrderStatusUpdate(orderExternalId: orderId, occurredAt: envelope.occurredAt)
            update.cancelledAt = envelope.occurredAt
            update.cancelReason = reader.string("reason", maxLength: 200)
            return [.orderStatus(update)]
        default:
            return []
        }
    }

    /// `properties` of Order Completed / Order Updated as an order upsert.
    static func order(_ reader: inout FieldReader, envelope: SegmentEnvelope) -> OrderInput? {
        let orderId = reader.identifier("order_id", required: true)
        let currency = reader.currency("currency") ?? .usd
        var customer = envelope.customer
        if customer.email == nil { customer.email = SegmentEnvelope.validEmail(reader.object["email"]) }
        var order = OrderInput(
            externalId: orderId ?? "", customer: customer, currency: currency, placedAt: envelope.occurredAt)
        order.sourceUpdatedAt = envelope.occurredAt
        order.sourceName = "segment"
        order.lineItems = reader.objects("products", maxCount: 500) { lineItem(&$0, currency: currency) } ?? []

        let total = reader.segmentAmount("total", currency: currency)
        let revenue = reader.segmentAmount("revenue", currency: currency)
        let subtotal = reader.segmentAmount("subtotal", currency: currency)
        let discount = reader.segmentAmount("discount", currency: currency, magnitude: true)
        order.total = total
        order.shippingTotal = reader.segmentAmount("shipping", currency: currency) ?? 0
        order.taxTotal = reader.segmentAmount("tax", currency: currency) ?? 0
        order.discountTotal = discount ?? 0
        // Spec v2: `revenue` excludes shipping and tax but not discounts, which is Patron's subtotal;
        // Segment's `subtotal` is after discounts. With neither, the line items give the subtotal.
        order.subtotal = revenue ?? subtotal.map { $0 + (discount ?? 0) }
        if let coupon = reader.string("coupon", maxLength: 100) {
            order.discountCodes = [DiscountInput(code: coupon, amount: discount ?? 0)]
        }
        guard orderId != nil else { return nil }
        return order
    }

    /// One `products[]` entry as a line item; a missing price counts as zero, a missing quantity as one.
    static func lineItem(_ reader: inout FieldReader, currency: Currency) -> LineItemInput? {
        let productId = productIdentifier(&reader)
        let sku = reader.string("sku", maxLength: 200)
        let name = reader.string("name", maxLength: 500)
        let variant = reader.string("variant", maxLength: 200)
        let quantity = reader.integer("quantity", range: 1...1_000_000) ?? 1
        let price = reader.segmentAmount("price", currency: currency) ?? 0
        guard let base = name ?? sku ?? productId else {
            reader.fail("name", "is required when there is no sku or product_id")
            return nil
        }
        // Same shape as a Shopify line item name: "Product - Variant".
        var item = LineItemInput(title: variant.map { "\(base) - \($0)" } ?? base, quantity: quantity, unitPrice: price)
        item.productExternalId = productId
        item.sku = sku
        return item
    }

    static func productIdentifier(_ reader: inout FieldReader) -> String? {
        for key in ["product_id", "productId", "id"] where reader.has(key) {
            return reader.identifier(key)
        }
        return nil
    }

    /// Order Refunded: a refund when an amount is known (`total`, `revenue` or the products listed), whose
    /// sum against the order total decides refunded or partially refunded; without any amount, the order
    /// is marked refunded in full.
    static func refund(_ reader: inout FieldReader, envelope: SegmentEnvelope) -> [IngestOperation] {
        let orderId = reader.identifier("order_id", required: true)
        let currency = reader.currency("currency") ?? .usd
        let lines =
            reader.objects("products", maxCount: 500) { item -> (line: RefundLineInput, amount: Int64)? in
                let productId = productIdentifier(&item)
                let sku = item.string("sku", maxLength: 200)
                let quantity = item.integer("quantity", range: 1...1_000_000) ?? 1
                let price = item.segmentAmount("price", currency: currency) ?? 0
                var line = RefundLineInput(quantity: quantity)
                line.productExternalId = productId
                line.sku = sku
                let (amount, overflow) = price.multipliedReportingOverflow(by: quantity)
                if overflow { item.fail("price", "is too large") }
                return (line, amount)
            } ?? []
        let total = reader.segmentAmount("total", currency: currency)
        let revenue = reader.segmentAmount("revenue", currency: currency)
        let reason = reader.string("reason", maxLength: 500)
        guard let orderId else { return [] }

        let productsAmount = lines.isEmpty ? nil : lines.reduce(Int64(0)) { $0 &+ $1.amount }
        guard let amount = total ?? revenue ?? productsAmount else {
            var update = OrderStatusUpdate(orderExternalId: orderId, occurredAt: envelope.occurredAt)
            update.financialStatus = .refunded
            return [.orderStatus(update)]
        }
        var refund = RefundInput(
            externalId: "segment:" + envelope.messageId, orderExternalId: orderId, createdAt: envelope.occurredAt,
            amount: amount)
        refund.currency = currency
        refund.reason = reason
        refund.lineItems = lines.map(\.line)
        return [.refund(refund)]
    }
}
