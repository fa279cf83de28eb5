import Foundation
import PatronCore

/// Turns a Shopify Admin REST webhook payload into Patron ingest operations.
///
/// Ids stay exact text (Shopify ids use all 64 bits), money becomes minor units of the payload's currency,
/// and every problem is reported with the Shopify field name (`line_items[0].price`). Only what an operation
/// cannot do without (ids, currency, dates, amounts) is strict; a malformed descriptive field such as a phone
/// number is left out, because a rejected webhook is retried and finally dropped by Shopify.
public enum ShopifyMapper {
    /// - Parameters:
    ///   - receivedAt: when the webhook arrived; the event time when the payload has none.
    ///   - shopCurrency: the shop's currency, needed only for product prices (product payloads carry none).
    public static func operations(
        topic: ShopifyTopic, payload: JSONValue, receivedAt: Date, shopCurrency: Currency? = nil
    ) throws(ValidationFailure) -> [IngestOperation] {
        var reader = try FieldReader.root(payload)
        let operations: [IngestOperation]?
        switch topic {
        case .ordersCreate, .ordersUpdated, .ordersPaid:
            operations = ShopifyOrderMapping.order(&reader).map { [.order($0)] }
        case .ordersCancelled:
            operations = ShopifyOrderMapping.order(&reader).map { order in
                var order = order
                if order.cancelledAt == nil { order.cancelledAt = order.sourceUpdatedAt ?? receivedAt }
                return [.order(order)]
            }
        case .refundsCreate:
            operations = ShopifyRefundMapping.refund(&reader, orderExternalId: nil, orderCurrency: nil)
                .map { [.refund($0)] }
        case .fulfillmentsCreate, .fulfillmentsUpdate:
            operations = ShopifyFulfillmentMapping.shipment(&reader).map { [.shipment($0)] }
        case .fulfillmentEventsCreate:
            operations = ShopifyFulfillmentMapping.trackingEvent(&reader).map { [.shipment($0)] }
        case .customersCreate, .customersUpdate:
            if !reader.has("id") { reader.fail("id", "is required") }
            operations = ShopifyCustomerMapping.customer(&reader).map { [.customer($0)] }
        case .customersEmailMarketingConsentUpdate:
            operations = ShopifyCustomerMapping.emailConsentUpdate(&reader).map { [.customer($0)] }
        case .customersMarketingConsentUpdate:
            operations = ShopifyCustomerMapping.smsConsentUpdate(&reader).map { [.customer($0)] }
        case .checkoutsCreate:
            operations = ShopifyCheckoutMapping.operations(
                &reader, eventType: ShopifyCheckoutMapping.startedEvent, receivedAt: receivedAt)
        case .checkoutsUpdate:
            operations = ShopifyCheckoutMapping.operations(
                &reader, eventType: ShopifyCheckoutMapping.updatedEvent, receivedAt: receivedAt)
        case .productsCreate, .productsUpdate:
            operations = ShopifyProductMapping.product(&reader, shopCurrency: shopCurrency).map { [.product($0)] }
        case .customersDataRequest:
            operations = ShopifyPrivacyMapping.dataRequest(&reader)
        case .customersRedact:
            operations = ShopifyPrivacyMapping.eraseCustomer(&reader)
        case .shopRedact:
            operations = [.eraseStore]
        }
        try reader.finish()
        guard let operations else {
            // Every mapping records an error before giving up; this guards against one that forgot.
            throw ValidationFailure(field: "(body)", message: "could not read the \(topic.rawValue) payload")
        }
        try operations.checkAssembled(field: "total_price")
        return operations
    }
}
