import PatronCore
import PatronStore
import SQLKit

/// Real data to preview a flow's message with: the newest order (or shipment) of a customer, or of the
/// store when no customer is named.
public struct PreviewSample: Sendable {
    public var customer: Int64?
    public var context: JSONValue

    public static func find(flow: FlowDefinition, store: Int64, customer: Int64?, in database: Database) async throws
        -> PreviewSample?
    {
        try await database.read { sql in
            var customerFilter: SQLQueryString = ""
            if let customer { customerFilter = " AND o.customer_id = \(bind: customer)" }
            if case .shipmentMilestone = flow.trigger {
                guard
                    let row = try await sql.raw(
                        """
                        SELECT s.id, s.status, o.id AS order_id, o.customer_id FROM shipments s
                        JOIN orders o ON o.store_id = s.store_id AND o.external_id = s.order_external_id
                        WHERE s.store_id = \(bind: store)\(customerFilter) ORDER BY s.id DESC LIMIT 1
                        """
                    ).first()
                else { return nil }
                let milestone =
                    try row.text("status").flatMap(ShipmentStatus.init(rawValue:)).flatMap(ShipmentMilestone.init)
                    ?? .shipped
                return PreviewSample(
                    customer: try row.optionalInt("customer_id"),
                    context: [
                        "shipmentId": .int(try row.int("id")), "orderId": .int(try row.int("order_id")),
                        "milestone": .string(milestone.rawValue),
                    ])
            }
            guard
                let row = try await sql.raw(
                    """
                    SELECT o.id, o.customer_id FROM orders o WHERE o.store_id = \(bind: store) AND o.is_placeholder = 0\(customerFilter)
                    ORDER BY o.placed_at DESC, o.id DESC LIMIT 1
                    """
                ).first()
            else { return nil }
            return PreviewSample(customer: try row.optionalInt("customer_id"), context: ["orderId": .int(try row.int("id"))])
        }
    }
}
