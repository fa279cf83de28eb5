/// The closed vocabularies of the store data model. Raw values are the wire values.
public enum ConsentChannel: String, Sendable, CaseIterable { case email, sms }

public enum ConsentState: String, Sendable, CaseIterable {
    case subscribed
    case unsubscribed
    case pending
}

public enum ProductStatus: String, Sendable, CaseIterable { case active, draft, archived }

public enum FinancialStatus: String, Sendable, CaseIterable {
    case pending
    case authorized
    case paid
    case partiallyRefunded = "partially_refunded"
    case refunded
    case voided
}

public enum FulfillmentStatus: String, Sendable, CaseIterable {
    case unfulfilled
    case partial
    case fulfilled
    case restocked
}

public enum ShipmentStatus: String, Sendable, CaseIterable {
    case labelCreated = "label_created"
    case confirmed
    case pickedUp = "picked_up"
    case inTransit = "in_transit"
    case outForDelivery = "out_for_delivery"
    case attemptedDelivery = "attempted_delivery"
    case readyForPickup = "ready_for_pickup"
    case delayed
    case delivered
    case failure
    case returned
    case cancelled
}

/// Where a piece of data came from; kept on events, consent and ingestion metrics.
public enum DataSource: String, Sendable, CaseIterable {
    case api
    case segment
    case shopify
    case csv
    case storefront
    case demo
    /// Patron's own observations: email opens, clicks, unsubscribes.
    case patron
}
