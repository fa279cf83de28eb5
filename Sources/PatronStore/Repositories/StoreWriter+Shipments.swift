import Foundation
import PatronCore
import SQLKit

extension StoreWriter {
    /// Upserts a shipment and appends its tracking events (deduplicated). Without an explicit status,
    /// the shipment takes the status of its latest tracking event.
    public func upsertShipment(_ input: ShipmentInput) async throws -> WriteResult {
        let existing = try await sql.raw(
            "SELECT id, source_updated_at FROM shipments WHERE store_id = \(bind: storeID) AND external_id = \(bind: input.externalId)"
        ).first()
        var isStale = false
        if let existing, let stored = try existing.optionalInt("source_updated_at"),
            let incoming = input.sourceUpdatedAt.milliseconds
        {
            isStale = incoming < stored
        }
        let deliveredAt =
            input.deliveredAt
            ?? (input.status == .delivered ? input.events.last(where: { $0.status == .delivered })?.occurredAt : nil)
        let status = isStale ? nil : input.status?.rawValue
        // A stale update (older than the stored version) only fills fields the shipment lacks.
        let prefer = { (column: String) -> String in
            isStale ? "COALESCE(shipments.\(column), excluded.\(column))" : "COALESCE(excluded.\(column), shipments.\(column))"
        }
        let row = try await sql.raw(
            """
            INSERT INTO shipments (store_id, external_id, order_external_id, carrier, tracking_number, tracking_url, status,
                estimated_delivery_at, shipped_at, delivered_at, created_at, updated_at, source_updated_at)
            VALUES (\(bind: storeID), \(bind: input.externalId), \(bind: input.orderExternalId), \(bind: input.carrier),
                \(bind: input.trackingNumber), \(bind: input.trackingUrl), \(bind: status),
                \(bind: input.estimatedDeliveryAt.milliseconds), \(bind: input.shippedAt.milliseconds),
                \(bind: deliveredAt.milliseconds), \(bind: now), \(bind: now), \(bind: input.sourceUpdatedAt.milliseconds))
            ON CONFLICT (store_id, external_id) DO UPDATE SET
                order_external_id = \(unsafeRaw: prefer("order_external_id")), carrier = \(unsafeRaw: prefer("carrier")),
                tracking_number = \(unsafeRaw: prefer("tracking_number")), tracking_url = \(unsafeRaw: prefer("tracking_url")),
                status = COALESCE(excluded.status, shipments.status),
                estimated_delivery_at = \(unsafeRaw: prefer("estimated_delivery_at")),
                shipped_at = COALESCE(shipments.shipped_at, excluded.shipped_at),
                delivered_at = COALESCE(shipments.delivered_at, excluded.delivered_at),
                updated_at = excluded.updated_at,
                source_updated_at = CASE WHEN shipments.source_updated_at IS NULL THEN excluded.source_updated_at
                    WHEN excluded.source_updated_at IS NULL THEN shipments.source_updated_at
                    WHEN excluded.source_updated_at > shipments.source_updated_at THEN excluded.source_updated_at
                    ELSE shipments.source_updated_at END
            RETURNING id
            """
        ).first()
        guard let shipmentId = try row?.int("id") else { throw StoreError.unexpected("shipment upsert returned no id") }
        for event in input.events {
            try await sql.raw(
                """
                INSERT INTO shipment_events (store_id, shipment_id, dedupe_key, status, occurred_at, message, location)
                VALUES (\(bind: storeID), \(bind: shipmentId), \(bind: event.dedupeKey), \(bind: event.status.rawValue),
                    \(bind: Timestamp.milliseconds(event.occurredAt)), \(bind: event.message), \(bind: event.location))
                ON CONFLICT (shipment_id, dedupe_key) DO NOTHING
                """
            ).run()
        }
        if input.status == nil, !input.events.isEmpty {
            try await adoptLatestEventStatus(shipmentId: shipmentId)
        }
        return WriteResult(id: shipmentId, outcome: existing == nil ? .created : .updated)
    }

    func adoptLatestEventStatus(shipmentId: Int64) async throws {
        guard
            let latest = try await sql.raw(
                "SELECT status, occurred_at FROM shipment_events WHERE shipment_id = \(bind: shipmentId) ORDER BY occurred_at DESC, id DESC LIMIT 1"
            ).first()
        else { return }
        let status = try latest.requiredText("status")
        let deliveredAt: Int64? = status == ShipmentStatus.delivered.rawValue ? try latest.int("occurred_at") : nil
        try await sql.raw(
            """
            UPDATE shipments SET status = \(bind: status), delivered_at = COALESCE(delivered_at, \(bind: deliveredAt)),
                updated_at = \(bind: now)
            WHERE id = \(bind: shipmentId)
            """
        ).run()
    }
}
