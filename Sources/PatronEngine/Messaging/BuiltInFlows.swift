import PatronMessaging

/// A flow that ships with Patron, ready to switch on per store.
public struct BuiltInFlow: Sendable, Equatable {
    public let name: String
    public let title: String
    public let summary: String
    public let trigger: String
    public let purpose: MessagePurpose
    public let channel: String
    public let template: String
}

/// The library of built-in flows. Each is off until the merchant switches it on
/// (`patron flows enable NAME --store ID` or `POST /api/v1/flows/NAME/enable`).
public enum BuiltInFlows {
    public static let orderThankYou = BuiltInFlow(
        name: "order-thank-you", title: "Order thank-you and confirmation",
        summary:
            "Thanks the customer right after a new order, with every item, quantity and price, discounts, shipping, tax, the total, the shipping address and the expected delivery date.",
        trigger: "a new order arrives live (API, Segment, Shopify, storefront) and was placed in the last 3 days",
        purpose: .transactional, channel: "email", template: "order-thank-you")

    public static let shippingUpdates = BuiltInFlow(
        name: "shipping-updates", title: "Shipping updates",
        summary:
            "Tells the customer when the order ships (carrier and tracking link), is out for delivery, is delivered, is ready for pickup, is delayed, or could not be delivered; once per milestone.",
        trigger: "a shipment reaches a new milestone, live, in the last 3 days",
        purpose: .transactional, channel: "email", template: "shipping-update")

    public static let all: [BuiltInFlow] = [orderThankYou, shippingUpdates]

    public static func named(_ name: String) -> BuiltInFlow? { all.first { $0.name == name } }
}
