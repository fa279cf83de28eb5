import Crypto
import Foundation
import PatronCore
import PatronMessaging
import PatronStore
import SQLKit

/// Starts flows from data as it is written: one session per ingest transaction looks at each write
/// and starts the enabled flows whose trigger it matches, in the same commit (the outbox), so an
/// acknowledged order always has its thank-you queued and a re-delivered webhook never starts a flow
/// twice (a run is unique per flow and trigger key).
public final class FlowTriggerSession {
    /// Sources that report what happens now; imports and the demo load history and trigger nothing.
    public static let liveSources: Set<DataSource> = [.api, .segment, .shopify, .storefront, .patron]
    /// Older news than this is history arriving late (a backfill through the API): no flow starts.
    public static let freshnessMilliseconds: Int64 = 3 * 86_400_000

    let writer: StoreWriter
    let source: DataSource
    let services: FlowServices
    private var loaded: [LoadedFlow]?
    private var storeHasMessages: Bool?
    /// Variant prices and stock of a product just before its upsert, by variant external id.
    private var variantsBefore: [String: (price: Int64?, stock: Int64?)] = [:]

    public init(writer: StoreWriter, source: DataSource, services: FlowServices) {
        self.writer = writer
        self.source = source
        self.services = services
    }

    var isLive: Bool { Self.liveSources.contains(source) }

    func flows() async throws -> [LoadedFlow] {
        if let loaded { return loaded }
        let flows = try await LoadedFlow.enabled(store: writer.storeID, in: writer.sql)
        loaded = flows
        return flows
    }

    /// Attribution needs messages; a store that never sent one skips it (asked once per transaction).
    func hasMessages() async throws -> Bool {
        if let storeHasMessages { return storeHasMessages }
        let found =
            try await writer.sql.raw(
                "SELECT id FROM messages WHERE store_id = \(bind: writer.storeID) LIMIT 1"
            ).first() != nil
        storeHasMessages = found
        return found
    }

    /// Remembers what a write is about to change, where a trigger compares before and after.
    public func beforeWrite(_ operation: IngestOperation) async throws {
        guard isLive, case .product(let input) = operation else { return }
        variantsBefore = [:]
        let productFlows = try await flows().filter { [.priceDrop, .backInStock].contains($0.definition.trigger) }
        guard !productFlows.isEmpty else { return }
        for row in try await writer.sql.raw(
            """
            SELECT v.external_id, v.price, v.stock FROM variants v JOIN products p ON p.id = v.product_id
            WHERE p.store_id = \(bind: writer.storeID) AND p.external_id = \(bind: input.externalId)
            """
        ).all() {
            variantsBefore[try row.requiredText("external_id")] = (try row.optionalInt("price"), try row.optionalInt("stock"))
        }
    }

    public func afterWrite(_ operation: IngestOperation, result: WriteResult?) async throws {
        guard isLive, let result else { return }
        switch operation {
        case .order(let input):
            guard result.outcome == .created, input.cancelledAt == nil,
                Timestamp.milliseconds(input.placedAt) >= writer.now - Self.freshnessMilliseconds
            else { return }
            if try await hasMessages() { try await OrderAttribution.attribute(orderId: result.id, writer: writer) }
            try await orderPlaced(orderId: result.id, externalId: input.externalId)
        case .shipment:
            guard result.outcome != .duplicate else { return }
            try await shipmentChanged(shipmentId: result.id)
        case .product(let input):
            guard !variantsBefore.isEmpty else { return }
            try await ProductAlerts.start(
                product: input, before: variantsBefore, flows: try await flows(), writer: writer, services: services)
        default:
            return
        }
    }

    /// Event triggers, for events just inserted (duplicates excluded).
    public func afterEvents(_ events: [EventInput], results: [WriteResult]) async throws {
        guard isLive else { return }
        let eventFlows = try await flows().filter { if case .event = $0.definition.trigger { true } else { false } }
        guard !eventFlows.isEmpty else { return }
        for (event, result) in zip(events, results) where result.outcome == .created {
            guard Timestamp.milliseconds(event.occurredAt) >= writer.now - Self.freshnessMilliseconds else { continue }
            let matching = eventFlows.filter { flow in
                guard case .event(let type, let wanted) = flow.definition.trigger, type == event.type else { return false }
                return wanted.allSatisfy { event.properties[$0.key] == $0.value }
            }
            guard !matching.isEmpty,
                let customer = try await writer.sql.raw("SELECT customer_id FROM events WHERE id = \(bind: result.id)").first()?
                    .optionalInt("customer_id")
            else { continue }
            for flow in matching {
                try await FlowEngine.start(
                    flow, customer: customer, triggerKey: Self.eventTriggerKey(flow, event: event, customer: customer),
                    context: ["eventId": .int(result.id), "event": .string(event.type), "properties": .object(event.properties)],
                    writer: writer, services: services)
            }
        }
    }

    /// Browsing starts at most one run a week per customer; other events one run per event.
    static func eventTriggerKey(_ flow: LoadedFlow, event: EventInput, customer: Int64) -> String {
        if case .event("Product Viewed", _) = flow.definition.trigger {
            let week = Timestamp.milliseconds(event.occurredAt) / (7 * 86_400_000)
            return "customer:\(customer):week:\(week)"
        }
        return "event:\(event.messageId)"
    }

    func orderPlaced(orderId: Int64, externalId: String) async throws {
        let orderFlows = try await flows().filter { if case .orderPlaced = $0.definition.trigger { true } else { false } }
        guard !orderFlows.isEmpty else { return }
        let customer = try await writer.sql.raw("SELECT customer_id FROM orders WHERE id = \(bind: orderId)").first()?
            .optionalInt("customer_id")
        var isFirst: Bool?
        for flow in orderFlows {
            guard case .orderPlaced(let firstOnly) = flow.definition.trigger else { continue }
            if firstOnly {
                guard let customer else { continue }
                if isFirst == nil {
                    isFirst =
                        try await writer.sql.raw(
                            """
                            SELECT COUNT(*) AS n FROM orders WHERE store_id = \(bind: writer.storeID)
                                AND customer_id = \(bind: customer) AND is_placeholder = 0
                            """
                        ).first()?.int("n") == 1
                }
                guard isFirst == true else { continue }
            }
            try await FlowEngine.start(
                flow, customer: customer, triggerKey: "order:\(externalId)", context: ["orderId": .int(orderId)],
                writer: writer, services: services)
        }
    }

    func shipmentChanged(shipmentId: Int64) async throws {
        let shipmentFlows = try await flows().filter {
            if case .shipmentMilestone = $0.definition.trigger { true } else { false }
        }
        guard !shipmentFlows.isEmpty,
            let row = try await writer.sql.raw(
                """
                SELECT s.external_id, s.status, s.shipped_at, s.delivered_at, o.id AS order_id, o.customer_id
                FROM shipments s LEFT JOIN orders o ON o.store_id = s.store_id AND o.external_id = s.order_external_id
                    AND o.is_placeholder = 0
                WHERE s.id = \(bind: shipmentId)
                """
            ).first(),
            let status = try row.text("status").flatMap(ShipmentStatus.init(rawValue:)),
            let milestone = ShipmentMilestone(status)
        else { return }
        let latest = [try row.optionalInt("delivered_at"), try row.optionalInt("shipped_at")].compactMap { $0 }.max()
        if let latest, latest < writer.now - Self.freshnessMilliseconds { return }
        for flow in shipmentFlows {
            guard case .shipmentMilestone(let wanted) = flow.definition.trigger, wanted.isEmpty || wanted.contains(milestone)
            else { continue }
            try await FlowEngine.start(
                flow, customer: try row.optionalInt("customer_id"),
                triggerKey: "shipment:\(try row.requiredText("external_id")):\(milestone.rawValue)",
                context: [
                    "shipmentId": .int(shipmentId), "orderId": JSONValue(try row.optionalInt("order_id")),
                    "milestone": .string(milestone.rawValue),
                ], writer: writer, services: services)
        }
    }
}

public enum FlowTriggers {
    /// The same cause always gets the same Message-ID (the part before "@"; the domain is the sender's).
    public static func messageIdLocalPart(store: Int64, dedupeKey: String) -> String {
        let digest = SHA256.hash(data: Data("\(store):\(dedupeKey)".utf8))
        return "patron." + digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
