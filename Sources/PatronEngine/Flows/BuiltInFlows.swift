import PatronMessaging

/// The library of flows that ship with Patron, as flow documents. Each is off until the merchant
/// switches it on (`patron flows enable NAME --store ID` or `POST /api/v1/flows/NAME/enable`); switching
/// one on stores its document as version 1 of the store's flow, which the merchant can then edit.
public enum BuiltInFlows {
    public static let orderThankYou = FlowDefinition(
        name: "order-thank-you", title: "Order thank-you and confirmation",
        summary:
            "Thanks the customer right after a new order, with every item, quantity and price, discounts, shipping, tax, the total, the shipping address and the expected delivery date.",
        purpose: .transactional, topic: nil, trigger: .orderPlaced(firstOrder: false),
        steps: [FlowStep(.send(channel: "email", template: "order-thank-you"))], exitOn: [], holdout: 0)

    public static let shippingUpdates = FlowDefinition(
        name: "shipping-updates", title: "Shipping updates",
        summary:
            "Tells the customer when the order ships (carrier and tracking link), is out for delivery, is ready for pickup, is delivered, is delayed, or could not be delivered; once per milestone.",
        purpose: .transactional, topic: nil, trigger: .shipmentMilestone([]),
        steps: [FlowStep(.send(channel: "email", template: "shipping-update"))], exitOn: [], holdout: 0)

    public static let welcomeSeries = FlowDefinition(
        name: "welcome-series", title: "Welcome series for first-time buyers",
        summary:
            "A day after a customer's first order, a welcome that tells them what to expect from the store; four days later, the store's favourites, unless they have ordered again.",
        purpose: .marketing, topic: "updates", trigger: .orderPlaced(firstOrder: true),
        steps: [
            FlowStep(.wait(seconds: 86_400)), FlowStep(.waitUntilHour(10)),
            FlowStep(.send(channel: "email", template: "welcome")),
            FlowStep(.wait(seconds: 4 * 86_400)), FlowStep(.condition(.orderedSinceStart(false))),
            FlowStep(.waitForBestTime), FlowStep(.send(channel: "email", template: "welcome-favourites")),
        ], exitOn: [], holdout: 0.1)

    public static let abandonedCheckout = FlowDefinition(
        name: "abandoned-checkout", title: "Abandoned checkout reminder",
        summary:
            "An hour after a checkout is started and not completed, a reminder with the cart and a link back to it; left as soon as the order is placed.",
        purpose: .marketing, topic: "reminders", trigger: .event(type: "Checkout Started", matching: [:]),
        steps: [FlowStep(.wait(seconds: 3_600)), FlowStep(.send(channel: "email", template: "abandoned-checkout"))],
        exitOn: ["Order Completed", "Order Placed"], holdout: 0.1)

    public static let browseAbandonment = FlowDefinition(
        name: "browse-abandonment", title: "Browse abandonment",
        summary:
            "Two hours after a customer looked at a product without adding anything to the cart or ordering, a gentle reminder of it; at most once a week per customer.",
        purpose: .marketing, topic: "reminders", trigger: .event(type: "Product Viewed", matching: [:]),
        steps: [FlowStep(.wait(seconds: 7_200)), FlowStep(.send(channel: "email", template: "browse-abandonment"))],
        exitOn: ["Order Completed", "Order Placed", "Product Added", "Checkout Started"], holdout: 0.1)

    public static let winBack = FlowDefinition(
        name: "win-back", title: "Win-back",
        summary:
            "When a repeat customer's chance of still being active falls below one half, or they have been silent for twice their usual time between orders, a we-miss-you message at their best time.",
        purpose: .marketing, topic: "offers", trigger: .lapsed(pAliveBelow: 0.5, overdueFactor: 2),
        steps: [FlowStep(.waitForBestTime), FlowStep(.send(channel: "email", template: "win-back"))], exitOn: [],
        holdout: 0.1)

    public static let crossSell = FlowDefinition(
        name: "cross-sell", title: "Cross-sell after delivery",
        summary:
            "Three days after an order is delivered, unless the customer has ordered again, products that go with what they bought (bought together with it, not more of the same), at their best time.",
        purpose: .marketing, topic: "offers", trigger: .shipmentMilestone([.delivered]),
        steps: [
            FlowStep(.wait(seconds: 3 * 86_400)), FlowStep(.waitForBestTime),
            FlowStep(.send(channel: "email", template: "cross-sell")),
        ], exitOn: ["Order Completed", "Order Placed"], holdout: 0.1)

    public static let birthday = FlowDefinition(
        name: "birthday", title: "Birthday",
        summary: "A birthday greeting at 10:00 in the customer's time zone on their birthday.",
        purpose: .marketing, topic: "offers", trigger: .birthday,
        steps: [FlowStep(.waitUntilHour(10)), FlowStep(.send(channel: "email", template: "birthday"))], exitOn: [],
        holdout: 0.1)

    public static let purchaseAnniversary = FlowDefinition(
        name: "purchase-anniversary", title: "First-purchase anniversary",
        summary: "A thank-you on the anniversary of the customer's first order, at 10:00 their time.",
        purpose: .marketing, topic: "updates", trigger: .firstOrderAnniversary,
        steps: [FlowStep(.waitUntilHour(10)), FlowStep(.send(channel: "email", template: "anniversary"))], exitOn: [],
        holdout: 0.1)

    public static let priceDrop = FlowDefinition(
        name: "price-drop", title: "Price drop on a wishlisted item",
        summary:
            "When a product a customer wishlisted (last 180 days) or looked at (last 30 days) gets cheaper, tells them the new price; once per price.",
        purpose: .marketing, topic: "reminders", trigger: .priceDrop,
        steps: [FlowStep(.send(channel: "email", template: "product-alert"))], exitOn: [], holdout: 0.1)

    public static let backInStock = FlowDefinition(
        name: "back-in-stock", title: "Back in stock",
        summary: "When a product a customer wishlisted or looked at is available again, tells them before it sells out.",
        purpose: .marketing, topic: "reminders", trigger: .backInStock,
        steps: [FlowStep(.send(channel: "email", template: "product-alert"))], exitOn: [], holdout: 0.1)

    public static let postPurchaseContent = FlowDefinition(
        name: "post-purchase-content", title: "Post-purchase tips",
        summary:
            "Five days after an order, care tips or how-to for what was bought, from the snippets the merchant writes per product or category; skipped when none match.",
        purpose: .marketing, topic: "updates", trigger: .orderPlaced(firstOrder: false),
        steps: [
            FlowStep(.wait(seconds: 5 * 86_400)), FlowStep(.waitUntilHour(10)),
            FlowStep(.send(channel: "email", template: "product-tips")),
        ],
        exitOn: [], holdout: 0.1)

    public static let replenishment = FlowDefinition(
        name: "replenishment", title: "Replenishment reminder",
        summary:
            "When a consumable the customer bought is due again (their last purchase plus the product's typical reorder interval, for products customers really re-buy), a reminder to reorder.",
        purpose: .marketing, topic: "reminders", trigger: .replenishmentDue,
        steps: [FlowStep(.waitForBestTime), FlowStep(.send(channel: "email", template: "replenishment"))],
        exitOn: ["Order Completed", "Order Placed"], holdout: 0.1)

    public static let all: [FlowDefinition] = [
        orderThankYou, shippingUpdates, welcomeSeries, postPurchaseContent, crossSell, abandonedCheckout, browseAbandonment,
        winBack, birthday, purchaseAnniversary, replenishment, priceDrop, backInStock,
    ]

    public static func named(_ name: String) -> FlowDefinition? { all.first { $0.name == name } }
}
