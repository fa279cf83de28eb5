import Foundation
import PatronCore

/// Maps Shopify fulfillments (`fulfillments/create|update`) and their tracking events
/// (`fulfillment_events/create`) to shipments.
enum ShopifyFulfillmentMapping {
    static func shipment(_ reader: inout FieldReader) -> ShipmentInput? {
        let externalId = reader.identifier("id", required: true)
        let orderId = reader.identifier("order_id", required: true)
        let createdAt = reader.timestamp("created_at")
        let updatedAt = reader.timestamp("updated_at")
        let estimatedDeliveryAt = reader.timestamp("estimated_delivery_at")
        guard let externalId, let orderId else { return nil }

        var input = ShipmentInput(externalId: externalId)
        input.orderExternalId = orderId
        input.carrier = reader.text("tracking_company", maxLength: 100)
        input.trackingNumber = reader.text("tracking_number", maxLength: 100) ?? reader.firstText("tracking_numbers")
        input.trackingUrl = reader.text("tracking_url", maxLength: 2_000) ?? reader.firstText("tracking_urls")
        // `status` is the fulfillment's own state (pending, open, success, cancelled, error, failure);
        // `shipment_status` is the carrier's latest tracking state and is null until the carrier reports.
        let fulfillmentStatus = reader.text("status")?.lowercased()
        if fulfillmentStatus == "cancelled" {
            input.status = .cancelled
        } else {
            input.status = reader.text("shipment_status").flatMap(status)
        }
        if fulfillmentStatus == "success" { input.shippedAt = createdAt }
        // The payload has no delivery time; updated_at is when Shopify recorded the delivered state.
        if input.status == .delivered { input.deliveredAt = updatedAt }
        input.estimatedDeliveryAt = estimatedDeliveryAt
        input.sourceUpdatedAt = updatedAt
        return input
    }

    /// A `fulfillment_events/create` payload: one tracking event of the fulfillment `fulfillment_id`.
    static func trackingEvent(_ reader: inout FieldReader) -> ShipmentInput? {
        let eventId = reader.identifier("id", required: true)
        let fulfillmentId = reader.identifier("fulfillment_id", required: true)
        let statusText = reader.string("status", required: true, maxLength: 100)
        let mapped = statusText.flatMap(status)
        if let statusText, mapped == nil {
            reader.fail(
                "status", "expected a Shopify fulfillment event status such as in_transit, got \"\(statusText)\"")
        }
        let happenedAt = reader.has("happened_at") ? reader.timestamp("happened_at") : reader.timestamp("created_at")
        if !reader.has("happened_at"), !reader.has("created_at") { reader.fail("happened_at", "is required") }
        let estimatedDeliveryAt = reader.timestamp("estimated_delivery_at")
        guard let eventId, let fulfillmentId, let mapped, let happenedAt else { return nil }

        var event = TrackingEventInput(status: mapped, occurredAt: happenedAt)
        event.externalId = eventId
        event.message = reader.text("message", maxLength: 1_000)
        let place = ["city", "province", "country"].compactMap { reader.text($0, maxLength: 100) }
        event.location = place.isEmpty ? nil : place.joined(separator: ", ")

        var input = ShipmentInput(externalId: fulfillmentId)
        input.orderExternalId = reader.identifier("order_id")
        input.status = mapped
        input.events = [event]
        input.estimatedDeliveryAt = estimatedDeliveryAt
        if mapped == .delivered { input.deliveredAt = happenedAt }
        return input
    }

    /// Shopify's shipment / fulfillment event statuses (REST snake_case, GraphQL upper case).
    static func status(_ text: String) -> ShipmentStatus? {
        switch text.lowercased() {
        case "label_printed", "label_purchased": .labelCreated
        case "confirmed": .confirmed
        case "carrier_picked_up", "picked_up": .pickedUp
        case "in_transit": .inTransit
        case "out_for_delivery": .outForDelivery
        case "attempted_delivery": .attemptedDelivery
        case "ready_for_pickup": .readyForPickup
        case "delayed": .delayed
        case "delivered": .delivered
        case "failure": .failure
        default: nil
        }
    }
}
