import Foundation
import PatronCore

/// What the event generator needs to know about a finished order.
struct DemoOrderFacts: Sendable {
    let customer: Int
    let placedAt: Int
    let externalId: String
    let lines: [DemoPurchase.Line]
    let subtotal: Int
    let discountCode: String?
    let deliveredAt: Int?
    let hadRefund: Bool
}

/// Turns planned purchases (already in time order) into orders with consistent money, cancellations,
/// refunds and their shipments.
struct DemoOrderBuilder {
    static let taxPercent = 8
    static let freeShippingThreshold = 75_00
    static let shippingFee = 5_95
    static let refundReasons = ["damaged in transit", "wrong size", "changed mind", "not as described", "arrived late"]

    let seed: UInt64
    let now: Int
    let catalog: DemoProductCatalog
    let customers: [DemoCustomer]

    func build(_ purchases: [DemoPurchase]) -> (
        orders: [OrderInput], shipments: [ShipmentInput], facts: [DemoOrderFacts]
    ) {
        var orders: [OrderInput] = []
        var shipments: [ShipmentInput] = []
        var facts: [DemoOrderFacts] = []
        orders.reserveCapacity(purchases.count)
        shipments.reserveCapacity(purchases.count)
        facts.reserveCapacity(purchases.count)
        let shipmentBuilder = DemoShipmentBuilder(now: now)
        for (index, purchase) in purchases.enumerated() {
            var random = DemoRandom(seed: seed, stream: 4, index: index)
            let customer = customers[purchase.customer]
            let number = 1_001 + index
            var order = OrderInput(
                externalId: "ord_\(number)", customer: customer.ref, currency: .usd,
                placedAt: DemoTime.date(purchase.placedAt))
            order.number = "#\(number)"
            order.sourceName = "web"
            order.shippingAddress = customer.address
            let money = fill(&order, purchase, number: number)
            var updatedAt = purchase.placedAt
            var deliveredAt: Int?
            var hadRefund = false

            let cancelAt = purchase.placedAt + random.int(15...(20 * 60)) * DemoTime.minute
            if random.chance(0.03), cancelAt <= now {
                order.cancelledAt = DemoTime.date(cancelAt)
                order.cancelReason = "customer"
                order.financialStatus = .voided
                order.fulfillmentStatus = .unfulfilled
                updatedAt = cancelAt
            } else if let shipment = shipmentBuilder.build(
                orderExternalId: order.externalId, number: number, placedAt: purchase.placedAt,
                country: DemoCountries.all[customer.country], destination: customer.address,
                utcOffset: customer.utcOffset, &random)
            {
                order.fulfillmentStatus = .fulfilled
                deliveredAt = shipment.deliveredAt.map(DemoTime.seconds)
                updatedAt = max(updatedAt, shipment.sourceUpdatedAt.map(DemoTime.seconds) ?? updatedAt)
                shipments.append(shipment)
                if let refund = maybeRefund(order, shipment: shipment, money: money, number: number, &random) {
                    order.refunds = [refund]
                    order.financialStatus = refund.amount >= money.total ? .refunded : .partiallyRefunded
                    updatedAt = max(updatedAt, DemoTime.seconds(refund.createdAt))
                    hadRefund = true
                }
            }
            order.sourceUpdatedAt = DemoTime.date(updatedAt)
            orders.append(order)
            facts.append(
                DemoOrderFacts(
                    customer: purchase.customer, placedAt: purchase.placedAt, externalId: order.externalId,
                    lines: purchase.lines, subtotal: money.subtotal, discountCode: purchase.discount?.code,
                    deliveredAt: deliveredAt, hadRefund: hadRefund))
        }
        return (orders, shipments, facts)
    }

    struct Money {
        let subtotal: Int
        let discount: Int
        let percent: Int
        let total: Int
    }

    /// Lines, discount, shipping, tax and total: total = subtotal - discount + shipping + tax, and the
    /// line taxes add up to the order's tax.
    private func fill(_ order: inout OrderInput, _ purchase: DemoPurchase, number: Int) -> Money {
        var subtotal = 0
        for line in purchase.lines {
            subtotal += catalog.products[line.product].variants[line.variant].price * line.quantity
        }
        let percent = purchase.discount?.percent ?? 0
        let discount = (subtotal * percent + 50) / 100
        let discounted = subtotal - discount
        let shipping = discounted >= Self.freeShippingThreshold ? 0 : Self.shippingFee
        let tax = (discounted * Self.taxPercent + 50) / 100
        var allocatedTax = 0
        var runningGross = 0
        for (position, line) in purchase.lines.enumerated() {
            let product = catalog.products[line.product]
            let variant = product.variants[line.variant]
            let title = variant.title == "Default Title" ? product.title : "\(product.title) - \(variant.title)"
            var item = LineItemInput(title: title, quantity: Int64(line.quantity), unitPrice: Int64(variant.price))
            item.externalId = "li_\(number)_\(position + 1)"
            item.productExternalId = product.externalId
            item.variantExternalId = variant.externalId
            item.sku = variant.sku
            runningGross += variant.price * line.quantity
            let taxSoFar = subtotal > 0 ? (tax * runningGross + subtotal / 2) / subtotal : 0
            item.tax = Int64(taxSoFar - allocatedTax)
            allocatedTax = taxSoFar
            order.lineItems.append(item)
        }
        if let code = purchase.discount, discount > 0 {
            order.discountCodes = [DiscountInput(code: code.code, amount: Int64(discount))]
        }
        let total = subtotal - discount + shipping + tax
        order.subtotal = Int64(subtotal)
        order.discountTotal = Int64(discount)
        order.shippingTotal = Int64(shipping)
        order.taxTotal = Int64(tax)
        order.total = Int64(total)
        return Money(subtotal: subtotal, discount: discount, percent: percent, total: total)
    }

    /// About 5% of delivered orders get a refund within a few weeks; most parcels lost in transit are refunded.
    private func maybeRefund(
        _ order: OrderInput, shipment: ShipmentInput, money: Money, number: Int, _ random: inout DemoRandom
    ) -> RefundInput? {
        let day = DemoTime.day
        if let delivered = shipment.deliveredAt.map(DemoTime.seconds) {
            guard delivered + 2 * day <= now, random.chance(0.05) else { return nil }
            let time = min(now, delivered + random.int(2...25) * day + random.below(day))
            return refund(for: order, money: money, number: number, at: time, reason: nil, &random)
        }
        guard shipment.status == .failure, let failedAt = shipment.sourceUpdatedAt.map(DemoTime.seconds),
            failedAt + 3 * day <= now, random.chance(0.6)
        else { return nil }
        let time = failedAt + random.int(1...3) * day
        return refund(for: order, money: money, number: number, at: time, reason: "lost in transit", &random)
    }

    /// A full refund (everything, shipping included) or one unit of one line with its share of discount and tax.
    private func refund(
        for order: OrderInput, money: Money, number: Int, at time: Int, reason: String?, _ random: inout DemoRandom
    ) -> RefundInput {
        let units = order.lineItems.reduce(0) { $0 + Int($1.quantity) }
        var refund = RefundInput(
            externalId: "ref_\(number)", orderExternalId: order.externalId, createdAt: DemoTime.date(time),
            amount: Int64(money.total))
        refund.currency = .usd
        refund.reason = reason ?? random.pick(Self.refundReasons)
        if reason == nil, units > 1, random.chance(0.6) {
            let item = order.lineItems[random.below(order.lineItems.count)]
            let unit = Int(item.unitPrice)
            let net = unit - (unit * money.percent + 50) / 100
            let amount = net + (net * Self.taxPercent + 50) / 100
            if amount < money.total {
                refund.amount = Int64(amount)
                var line = RefundLineInput(quantity: 1)
                line.lineItemExternalId = item.externalId
                line.productExternalId = item.productExternalId
                line.sku = item.sku
                refund.lineItems = [line]
                return refund
            }
        }
        refund.lineItems = order.lineItems.map { item in
            var line = RefundLineInput(quantity: item.quantity)
            line.lineItemExternalId = item.externalId
            line.productExternalId = item.productExternalId
            line.sku = item.sku
            return line
        }
        return refund
    }
}
