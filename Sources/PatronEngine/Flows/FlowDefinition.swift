import PatronCore
import PatronMessaging

/// What starts a flow run.
public enum FlowTrigger: Sendable, Equatable {
    /// A new order, live; `firstOrder` only for a customer's first.
    case orderPlaced(firstOrder: Bool)
    /// A shipment reaching one of these milestones (all when empty).
    case shipmentMilestone([ShipmentMilestone])
    /// An event of this type whose properties equal every `where` value.
    case event(type: String, matching: [String: JSONValue])
    case segmentEntered(String)
    case segmentExited(String)
    /// The customer's birthday, in their time zone.
    case birthday
    /// The yearly anniversary of the customer's first order.
    case firstOrderAnniversary
    /// A repeat buyer gone quiet: probability of being alive under `pAliveBelow`, or silent for
    /// `overdueFactor` times their usual gap between orders.
    case lapsed(pAliveBelow: Double, overdueFactor: Double)
    /// A variant's price went down, for customers who wishlisted (180 days) or viewed (30 days) it.
    case priceDrop
    /// A variant came back in stock, for the same customers.
    case backInStock
    /// A consumable the customer buys again and again is due: their last purchase plus the product's
    /// typical reorder interval.
    case replenishmentDue

    public var type: String {
        switch self {
        case .orderPlaced: "order_placed"
        case .shipmentMilestone: "shipment_milestone"
        case .event: "event"
        case .segmentEntered: "segment_entered"
        case .segmentExited: "segment_exited"
        case .birthday: "birthday"
        case .firstOrderAnniversary: "first_order_anniversary"
        case .lapsed: "lapsed"
        case .priceDrop: "price_drop"
        case .backInStock: "back_in_stock"
        case .replenishmentDue: "replenishment_due"
        }
    }

    /// Triggers found by the periodic scan rather than by incoming data.
    public var isScheduled: Bool {
        [.birthday, .firstOrderAnniversary, .replenishmentDue].contains(self) || type == "lapsed"
    }
}

/// A condition a run must meet to go on (otherwise it exits).
public enum FlowCondition: Sendable, Equatable {
    /// A rule in the segment language, evaluated against the store's current data.
    case rule(String)
    /// Membership of a saved segment, as of the last analytics refresh.
    case inSegment(String, Bool)
    /// Whether the customer placed an order since the run started.
    case orderedSinceStart(Bool)
}

/// One step of a flow. Steps run in order; a step with `variant` runs only for runs in that A/B
/// variant.
public struct FlowStep: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        case wait(seconds: Int64)
        /// Until the next occurrence of this hour in the customer's time zone.
        case waitUntilHour(Int)
        /// Until the hour of the week this customer is most likely to engage, within a week.
        case waitForBestTime
        case send(channel: String, template: String)
        case condition(FlowCondition)
        /// Assigns the run to a variant, by weight.
        case split([(name: String, weight: Int)])
        case tag(String)
        case webhook(url: String)

        public static func == (lhs: Action, rhs: Action) -> Bool {
            switch (lhs, rhs) {
            case (.wait(let a), .wait(let b)): a == b
            case (.waitUntilHour(let a), .waitUntilHour(let b)): a == b
            case (.waitForBestTime, .waitForBestTime): true
            case (.send(let a, let b), .send(let c, let d)): a == c && b == d
            case (.condition(let a), .condition(let b)): a == b
            case (.split(let a), .split(let b)): a.map(\.name) == b.map(\.name) && a.map(\.weight) == b.map(\.weight)
            case (.tag(let a), .tag(let b)): a == b
            case (.webhook(let a), .webhook(let b)): a == b
            default: false
            }
        }
    }

    public var action: Action
    public var variant: String?

    public init(_ action: Action, variant: String? = nil) {
        self.action = action
        self.variant = variant
    }
}

/// A flow as a JSON document: a trigger, steps, exit events, a holdout share. Validated on the way
/// in with errors that name the field (`steps[2].template`); stored as versions, and a run finishes on
/// the version it started with.
public struct FlowDefinition: Sendable, Equatable {
    public var name: String
    public var title: String
    public var summary: String
    public var purpose: MessagePurpose
    /// The preference-centre topic of a marketing flow ("offers", "reminders", "updates").
    public var topic: String?
    public var trigger: FlowTrigger
    public var steps: [FlowStep]
    /// Event types that end a run early ("Order Completed" leaves the abandoned-checkout flow).
    public var exitOn: [String]
    /// Share of runs held out (nothing sent) to measure what the flow adds.
    public var holdout: Double

    public static let topics = ["offers", "reminders", "updates"]
    public static let channels = ["email", "sms", "whatsapp"]
}
