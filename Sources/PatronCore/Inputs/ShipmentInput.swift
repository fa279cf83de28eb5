import Foundation

public struct TrackingEventInput: Sendable, Hashable {
    public var status: ShipmentStatus
    public var occurredAt: Date
    public var message: String?
    public var location: String?
    /// The sender's id for this event, used to deduplicate re-deliveries.
    public var externalId: String?

    public init(status: ShipmentStatus, occurredAt: Date) {
        self.status = status
        self.occurredAt = occurredAt
    }

    public var dedupeKey: String { externalId ?? "\(status.rawValue)@\(Timestamp.milliseconds(occurredAt))" }
}

/// A shipment (fulfillment) of an order with its carrier tracking events.
public struct ShipmentInput: Sendable, Hashable {
    public var externalId: String
    public var orderExternalId: String?
    public var carrier: String?
    public var trackingNumber: String?
    public var trackingUrl: String?
    public var status: ShipmentStatus?
    public var estimatedDeliveryAt: Date?
    public var shippedAt: Date?
    public var deliveredAt: Date?
    public var events: [TrackingEventInput] = []
    public var sourceUpdatedAt: Date?

    public init(externalId: String) { self.externalId = externalId }

    public static func read(_ reader: inout FieldReader) -> ShipmentInput? {
        guard let externalId = reader.identifier("externalId", required: true) else { return nil }
        var input = ShipmentInput(externalId: externalId)
        input.orderExternalId = reader.identifier("orderExternalId", required: true)
        input.carrier = reader.string("carrier", maxLength: 100)
        input.trackingNumber = reader.string("trackingNumber", maxLength: 100)
        input.trackingUrl = reader.string("trackingUrl", maxLength: 2_000)
        input.status = reader.enumeration("status", as: ShipmentStatus.self)
        input.estimatedDeliveryAt = reader.timestamp("estimatedDeliveryAt")
        input.shippedAt = reader.timestamp("shippedAt")
        input.deliveredAt = reader.timestamp("deliveredAt")
        input.sourceUpdatedAt = reader.timestamp("updatedAt")
        input.events =
            reader.objects("events", maxCount: 500) { item in
                let status = item.enumeration("status", as: ShipmentStatus.self, required: true)
                let occurredAt = item.timestamp("occurredAt", required: true)
                guard let status, let occurredAt else { return nil }
                var event = TrackingEventInput(status: status, occurredAt: occurredAt)
                event.message = item.string("message", maxLength: 1_000)
                event.location = item.string("location", maxLength: 300)
                event.externalId = item.identifier("externalId")
                return event
            } ?? []
        return input
    }
}
