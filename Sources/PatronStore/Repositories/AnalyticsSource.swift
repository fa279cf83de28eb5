import PatronCore
import SQLKit

/// Reads what an analytics refresh needs, in key-ordered pages so memory stays bounded and no row
/// callback has to capture mutable state. Times come back as epoch milliseconds, as stored.
public struct AnalyticsSource {
    public let sql: any SQLDatabase
    public let storeID: Int64
    public static let pageSize = 20_000

    public init(sql: any SQLDatabase, storeID: Int64) {
        self.sql = sql
        self.storeID = storeID
    }

    public struct CustomerRow: Sendable {
        public var id: Int64
        public var email: String?
        public var firstName: String?
        public var lastName: String?
        public var country: String?
        public var tags: [String]
        public var createdAt: Int64
    }

    public struct OrderRow: Sendable {
        public var id: Int64
        public var customerId: Int64
        public var placedAt: Int64
        /// Total less refunds, in minor units of `currency`.
        public var netAmount: Int64
        public var currency: String
    }

    /// One page of customers with ids above `after`, ascending.
    public func customers(after: Int64) async throws -> [CustomerRow] {
        try await sql.raw(
            """
            SELECT id, email, first_name, last_name, country, tags, created_at FROM customers
            WHERE store_id = \(bind: storeID) AND id > \(bind: after) ORDER BY id LIMIT \(unsafeRaw: String(Self.pageSize))
            """
        ).all().map { row in
            let tags = (try? JSONParser.parse(try row.requiredText("tags")).arrayValue?.compactMap(\.stringValue)) ?? nil
            return CustomerRow(
                id: try row.int("id"), email: try row.text("email"), firstName: try row.text("first_name"),
                lastName: try row.text("last_name"), country: try row.text("country"), tags: tags ?? [],
                createdAt: try row.int("created_at"))
        }
    }

    /// One page of the orders that count as purchases (a known customer, not cancelled, not voided,
    /// not a placeholder awaiting its create), ids above `after`, ascending.
    public func orders(after: Int64) async throws -> [OrderRow] {
        try await sql.raw(
            """
            SELECT o.id, o.customer_id, o.placed_at, o.currency,
                CAST(o.total - COALESCE((SELECT SUM(r.amount) FROM refunds r
                    WHERE r.store_id = o.store_id AND r.order_external_id = o.external_id), 0) AS BIGINT) AS net
            FROM orders o
            WHERE o.store_id = \(bind: storeID) AND o.id > \(bind: after) AND o.customer_id IS NOT NULL
                AND o.cancelled_at IS NULL AND o.is_placeholder = 0 AND o.financial_status <> 'voided'
            ORDER BY o.id LIMIT \(unsafeRaw: String(Self.pageSize))
            """
        ).all().map { row in
            OrderRow(
                id: try row.int("id"), customerId: try row.int("customer_id"), placedAt: try row.int("placed_at"),
                netAmount: try row.int("net"), currency: try row.requiredText("currency"))
        }
    }

    /// The latest consent state per customer and channel: (customer id, channel, subscribed).
    public func latestConsents() async throws -> [(customerId: Int64, channel: String, subscribed: Bool)] {
        let rows = try await sql.raw(
            """
            SELECT customer_id, channel, state FROM consents WHERE store_id = \(bind: storeID)
            ORDER BY customer_id, channel, recorded_at, id
            """
        ).all()
        var latest: [(customerId: Int64, channel: String, subscribed: Bool)] = []
        for row in rows {
            let entry = (
                try row.int("customer_id"), try row.requiredText("channel"), try row.requiredText("state") == "subscribed"
            )
            if let last = latest.last, last.customerId == entry.0, last.channel == entry.1 {
                latest[latest.count - 1] = entry
            } else {
                latest.append(entry)
            }
        }
        return latest
    }

    /// One page of (event id, customer id, occurred_at) for events of one type, ids above `after`,
    /// ascending (an index range scan on `events_type`).
    public func events(type: String, after: Int64) async throws -> [(id: Int64, customerId: Int64, occurredAt: Int64)] {
        try await sql.raw(
            """
            SELECT id, customer_id, occurred_at FROM events
            WHERE store_id = \(bind: storeID) AND type = \(bind: type) AND id > \(bind: after) AND customer_id IS NOT NULL
            ORDER BY id LIMIT \(unsafeRaw: String(Self.pageSize))
            """
        ).all().map { (try $0.int("id"), try $0.int("customer_id"), try $0.int("occurred_at")) }
    }
}

extension AnalyticsSource {
    /// Every customer id of the store, read in pages.
    public func allCustomerIds() async throws -> [Int64] {
        var ids: [Int64] = []
        try await forEachKeysetPage(size: Self.pageSize * 5, key: { $0 }) { after in
            try await sql.raw(
                """
                SELECT id FROM customers WHERE store_id = \(bind: storeID) AND id > \(bind: after) ORDER BY id
                LIMIT \(unsafeRaw: String(Self.pageSize * 5))
                """
            ).all().map { try $0.int("id") }
        } _: {
            ids += $0
        }
        return ids
    }

    /// One page of stored metrics rows with customer ids above `after`, ascending.
    public func metrics(after: Int64) async throws -> [CustomerMetricsRow] {
        try await sql.raw(
            """
            SELECT * FROM customer_metrics WHERE store_id = \(bind: storeID) AND customer_id > \(bind: after)
            ORDER BY customer_id LIMIT \(unsafeRaw: String(Self.pageSize))
            """
        ).all().map(CustomerMetricsRepository.row)
    }
}
