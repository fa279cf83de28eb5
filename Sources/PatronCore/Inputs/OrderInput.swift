import Foundation

public struct Address: Sendable, Hashable {
    public var name: String?
    public var company: String?
    public var address1: String?
    public var address2: String?
    public var city: String?
    public var province: String?
    public var postalCode: String?
    public var country: String?
    public var phone: String?

    public init() {}

    public var json: JSONValue {
        .compactObject([
            "name": name.map(JSONValue.string), "company": company.map(JSONValue.string),
            "address1": address1.map(JSONValue.string), "address2": address2.map(JSONValue.string),
            "city": city.map(JSONValue.string), "province": province.map(JSONValue.string),
            "postalCode": postalCode.map(JSONValue.string), "country": country.map(JSONValue.string),
            "phone": phone.map(JSONValue.string),
        ])
    }
}

public struct LineItemInput: Sendable, Hashable {
    public var externalId: String?
    public var productExternalId: String?
    public var variantExternalId: String?
    public var sku: String?
    public var title: String
    public var quantity: Int64
    /// Price of one unit before discounts, in minor units.
    public var unitPrice: Int64
    /// Discount on the whole line, in minor units.
    public var discount: Int64 = 0
    public var tax: Int64 = 0

    public init(title: String, quantity: Int64, unitPrice: Int64) {
        self.title = title
        self.quantity = quantity
        self.unitPrice = unitPrice
    }

    public var lineTotal: Int64 { unitPrice.saturatingMultiplied(by: quantity).saturatingAdding(-discount) }
}

public struct DiscountInput: Sendable, Hashable {
    public var code: String
    public var amount: Int64

    public init(code: String, amount: Int64) {
        self.code = code
        self.amount = amount
    }
}

public struct RefundLineInput: Sendable, Hashable {
    public var lineItemExternalId: String?
    public var productExternalId: String?
    public var sku: String?
    public var quantity: Int64

    public init(quantity: Int64) { self.quantity = quantity }
}

/// A refund against an order, stored on its own so it can arrive before the order does.
public struct RefundInput: Sendable, Hashable {
    public var externalId: String
    public var orderExternalId: String
    public var createdAt: Date
    public var amount: Int64
    public var currency: Currency?
    public var reason: String?
    public var lineItems: [RefundLineInput] = []

    public init(externalId: String, orderExternalId: String, createdAt: Date, amount: Int64) {
        self.externalId = externalId
        self.orderExternalId = orderExternalId
        self.createdAt = createdAt
        self.amount = amount
    }
}

/// A full order upsert. Totals left nil are computed from the line items.
public struct OrderInput: Sendable, Hashable {
    public var externalId: String
    public var number: String?
    public var customer: CustomerRef
    /// Customer details carried with the order (name, consent...), upserted with it.
    public var customerDetails: CustomerInput?
    public var currency: Currency
    public var placedAt: Date
    public var financialStatus: FinancialStatus = .paid
    public var fulfillmentStatus: FulfillmentStatus = .unfulfilled
    public var cancelledAt: Date?
    public var cancelReason: String?
    public var lineItems: [LineItemInput] = []
    public var discountCodes: [DiscountInput] = []
    public var subtotal: Int64?
    public var discountTotal: Int64 = 0
    public var shippingTotal: Int64 = 0
    public var taxTotal: Int64 = 0
    public var total: Int64?
    public var shippingAddress: Address?
    public var refunds: [RefundInput] = []
    public var sourceName: String?
    public var tags: [String] = []
    public var sourceUpdatedAt: Date?
    /// For updates that do not know when or how the order was placed (Segment "Order Updated"): an
    /// existing order keeps its stored `placedAt` and financial status.
    public var keepsStoredPlacement = false

    public init(externalId: String, customer: CustomerRef, currency: Currency, placedAt: Date) {
        self.externalId = externalId
        self.customer = customer
        self.currency = currency
        self.placedAt = placedAt
    }

    public var computedSubtotal: Int64 { subtotal ?? lineItems.map(\.lineTotal).saturatingSum() }
    public var computedTotal: Int64 {
        total ?? max(0, [computedSubtotal, -discountTotal, shippingTotal, taxTotal].saturatingSum())
    }

    /// True when a line or total leaves the accepted range (see `maximumMinorUnits`).
    public var hasAmountOverflow: Bool {
        let amounts = lineItems.map(\.lineTotal) + [computedSubtotal, computedTotal, discountTotal, shippingTotal, taxTotal]
        return amounts.contains { $0.magnitude > UInt64(maximumMinorUnits) * 1_000 }
    }
}

/// A change to an order's state that may arrive without (or before) the order itself.
public struct OrderStatusUpdate: Sendable, Hashable {
    public var orderExternalId: String
    public var financialStatus: FinancialStatus?
    public var fulfillmentStatus: FulfillmentStatus?
    public var cancelledAt: Date?
    public var cancelReason: String?
    public var occurredAt: Date

    public init(orderExternalId: String, occurredAt: Date) {
        self.orderExternalId = orderExternalId
        self.occurredAt = occurredAt
    }
}
