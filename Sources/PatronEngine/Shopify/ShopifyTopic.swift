import Foundation
import PatronCore

/// The Shopify webhook topics Patron understands, as sent in the `X-Shopify-Topic` header.
public enum ShopifyTopic: String, CaseIterable, Sendable {
    case ordersCreate = "orders/create"
    case ordersUpdated = "orders/updated"
    case ordersPaid = "orders/paid"
    case ordersCancelled = "orders/cancelled"
    case refundsCreate = "refunds/create"
    case fulfillmentsCreate = "fulfillments/create"
    case fulfillmentsUpdate = "fulfillments/update"
    case fulfillmentEventsCreate = "fulfillment_events/create"
    case customersCreate = "customers/create"
    case customersUpdate = "customers/update"
    /// A customer's e-mail marketing consent changed (sent on its own, not with `customers/update`).
    case customersEmailMarketingConsentUpdate = "customers_email_marketing_consent/update"
    /// A customer's SMS marketing consent changed.
    case customersMarketingConsentUpdate = "customers_marketing_consent/update"
    case checkoutsCreate = "checkouts/create"
    case checkoutsUpdate = "checkouts/update"
    case productsCreate = "products/create"
    case productsUpdate = "products/update"
    /// Mandatory privacy topic: the merchant must send the customer their stored data.
    case customersDataRequest = "customers/data_request"
    /// Mandatory privacy topic: erase one customer's personal data.
    case customersRedact = "customers/redact"
    /// Mandatory privacy topic: sent 48 hours after uninstall; erase the store's customer data.
    case shopRedact = "shop/redact"
}
