import PatronCore

/// The moments of a delivery a customer hears about. Several carrier statuses map to one milestone, so
/// "picked up" then "in transit" sends one "shipped" email.
public enum ShipmentMilestone: String, Sendable, CaseIterable {
    case shipped
    case outForDelivery = "out_for_delivery"
    case readyForPickup = "ready_for_pickup"
    case delivered
    case delayed
    case deliveryProblem = "delivery_problem"

    public init?(_ status: ShipmentStatus) {
        switch status {
        case .labelCreated, .confirmed, .pickedUp, .inTransit: self = .shipped
        case .outForDelivery: self = .outForDelivery
        case .readyForPickup: self = .readyForPickup
        case .delivered: self = .delivered
        case .delayed: self = .delayed
        case .attemptedDelivery, .failure, .returned: self = .deliveryProblem
        case .cancelled: return nil
        }
    }

    public var headline: String {
        switch self {
        case .shipped: "Your order is on its way"
        case .outForDelivery: "Your order is out for delivery"
        case .readyForPickup: "Your order is ready for pickup"
        case .delivered: "Your order was delivered"
        case .delayed: "Your delivery is delayed"
        case .deliveryProblem: "We could not deliver your order"
        }
    }

    public var message: String {
        switch self {
        case .shipped: "good news: your package has shipped."
        case .outForDelivery: "your package is with the driver and should reach you today."
        case .readyForPickup: "your package is waiting for you at the pickup point."
        case .delivered: "your package was delivered. We hope you love it!"
        case .delayed: "the carrier reports a delay with your package. We are keeping an eye on it."
        case .deliveryProblem:
            "the carrier could not deliver your package. Check the tracking page for what to do next, or reply to this email and we will help."
        }
    }
}
