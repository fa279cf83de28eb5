import Crypto
import Foundation
import PatronCore
import PatronMessaging
import PatronStore
import SQLKit

/// Starts built-in flows from the data as it is written: called inside the ingest transaction after
/// each operation, it queues the flow's message in the same commit (the outbox), so an acknowledged
/// order always has its thank-you queued and a re-delivered webhook never queues a second one (the
/// message's dedupe key names its cause).
public enum FlowTriggers {
    /// Sources that report what happens now; imports and the demo load history and trigger nothing.
    public static let liveSources: Set<DataSource> = [.api, .segment, .shopify, .storefront]
    /// Older news than this is history arriving late (a backfill through the API): no message.
    public static let freshnessMilliseconds: Int64 = 3 * 86_400_000

    public static func afterWrite(
        _ operation: IngestOperation, result: WriteResult?, source: DataSource, writer: StoreWriter
    ) async throws {
        guard liveSources.contains(source), let result else { return }
        switch operation {
        case .order(let input):
            guard result.outcome == .created, input.cancelledAt == nil,
                Timestamp.milliseconds(input.placedAt) >= writer.now - freshnessMilliseconds
            else { return }
            try await orderPlaced(orderId: result.id, externalId: input.externalId, writer: writer)
        case .shipment:
            guard result.outcome != .duplicate else { return }
            try await shipmentChanged(shipmentId: result.id, writer: writer)
        default:
            return
        }
    }

    static func orderPlaced(orderId: Int64, externalId: String, writer: StoreWriter) async throws {
        let flow = BuiltInFlows.orderThankYou
        guard try await FlowSettingsRepository.isEnabled(flow.name, store: writer.storeID, in: writer.sql) else { return }
        let customer = try await writer.sql.raw(
            "SELECT customer_id FROM orders WHERE id = \(bind: orderId)"
        ).first()?.optionalInt("customer_id")
        try await queue(
            flow: flow, customer: customer, context: ["orderId": .int(orderId)],
            dedupeKey: "\(flow.name):order:\(externalId)", writer: writer)
    }

    static func shipmentChanged(shipmentId: Int64, writer: StoreWriter) async throws {
        let flow = BuiltInFlows.shippingUpdates
        guard try await FlowSettingsRepository.isEnabled(flow.name, store: writer.storeID, in: writer.sql) else { return }
        guard
            let row = try await writer.sql.raw(
                """
                SELECT s.external_id, s.status, s.shipped_at, s.delivered_at, s.updated_at, o.id AS order_id, o.customer_id
                FROM shipments s LEFT JOIN orders o ON o.store_id = s.store_id AND o.external_id = s.order_external_id
                WHERE s.id = \(bind: shipmentId)
                """
            ).first(),
            let status = try row.text("status").flatMap(ShipmentStatus.init(rawValue:)),
            let milestone = ShipmentMilestone(status)
        else { return }
        let latest = [try row.optionalInt("delivered_at"), try row.optionalInt("shipped_at")].compactMap { $0 }.max()
        if let latest, latest < writer.now - freshnessMilliseconds { return }
        try await queue(
            flow: flow, customer: try row.optionalInt("customer_id"),
            context: [
                "shipmentId": .int(shipmentId), "orderId": JSONValue(try row.optionalInt("order_id")),
                "milestone": .string(milestone.rawValue),
            ],
            dedupeKey: "\(flow.name):shipment:\(try row.requiredText("external_id")):\(milestone.rawValue)", writer: writer)
    }

    static func queue(
        flow: BuiltInFlow, customer: Int64?, context: JSONValue, dedupeKey: String, writer: StoreWriter
    ) async throws {
        try await MessageOutbox.enqueue(
            NewMessage(
                store: writer.storeID, customer: customer, flow: flow.name, template: flow.template, channel: flow.channel,
                purpose: flow.purpose.rawValue, context: context, dedupeKey: dedupeKey,
                messageId: messageIdLocalPart(store: writer.storeID, dedupeKey: dedupeKey), sendAt: writer.now),
            now: writer.now, in: writer.sql)
    }

    /// The same cause always gets the same Message-ID (the part before "@"; the domain is the sender's).
    static func messageIdLocalPart(store: Int64, dedupeKey: String) -> String {
        let digest = SHA256.hash(data: Data("\(store):\(dedupeKey)".utf8))
        return "patron." + digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
