import PatronCore
import SQLKit

/// One customer's row in `customer_metrics`.
public struct CustomerMetricsRow: Sendable, Equatable {
    public var customerId: Int64
    public var ordersCount: Int64
    public var revenue: Int64
    public var firstOrderAt: Int64?
    public var lastOrderAt: Int64?
    public var rfm: (r: Int64, f: Int64, m: Int64)?
    public var rfmSegment: String?
    public var probabilityAlive: Double?
    public var expectedPurchases: Double?
    public var expectedSpend: Int64?
    public var predictedValue: Int64?
    public var churnRisk: Double?
    public var churnBand: String?
    public var nextOrderAt: Int64?

    public init(customerId: Int64, ordersCount: Int64, revenue: Int64) {
        self.customerId = customerId
        self.ordersCount = ordersCount
        self.revenue = revenue
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.customerId == rhs.customerId && lhs.ordersCount == rhs.ordersCount && lhs.revenue == rhs.revenue
            && lhs.rfm?.r == rhs.rfm?.r && lhs.rfm?.f == rhs.rfm?.f && lhs.rfm?.m == rhs.rfm?.m
            && lhs.rfmSegment == rhs.rfmSegment && lhs.probabilityAlive == rhs.probabilityAlive
            && lhs.predictedValue == rhs.predictedValue && lhs.nextOrderAt == rhs.nextOrderAt
    }
}

/// Reads and replaces the per-customer analytics results of a store.
public struct CustomerMetricsRepository {
    public let sql: any SQLDatabase
    public let storeID: Int64

    public init(sql: any SQLDatabase, storeID: Int64) {
        self.sql = sql
        self.storeID = storeID
    }

    /// Replaces every metrics row of the store, in multi-row statements (the fast path on both engines).
    public func replaceAll(_ rows: [CustomerMetricsRow], computedAt: Int64) async throws {
        try await sql.raw("DELETE FROM customer_metrics WHERE store_id = \(bind: storeID)").run()
        let chunkSize = 100
        for chunkStart in stride(from: 0, to: rows.count, by: chunkSize) {
            var query: SQLQueryString = """
                INSERT INTO customer_metrics (store_id, customer_id, orders_count, revenue, first_order_at, last_order_at,
                    rfm_r, rfm_f, rfm_m, rfm_segment, p_alive, expected_purchases, expected_spend, predicted_clv, churn_risk,
                    churn_band, next_order_at, computed_at) VALUES
                """
            for index in chunkStart..<min(rows.count, chunkStart + chunkSize) {
                let row = rows[index]
                query += index == chunkStart ? " " : ", "
                query += """
                    (\(bind: storeID), \(bind: row.customerId), \(bind: row.ordersCount), \(bind: row.revenue),
                    \(bind: row.firstOrderAt), \(bind: row.lastOrderAt), \(bind: row.rfm?.r), \(bind: row.rfm?.f),
                    \(bind: row.rfm?.m), \(bind: row.rfmSegment), \(bind: row.probabilityAlive), \(bind: row.expectedPurchases),
                    \(bind: row.expectedSpend), \(bind: row.predictedValue), \(bind: row.churnRisk), \(bind: row.churnBand),
                    \(bind: row.nextOrderAt), \(bind: computedAt))
                    """
            }
            try await sql.raw(query).run()
        }
    }

    public func find(customerId: Int64) async throws -> (row: CustomerMetricsRow, computedAt: Int64)? {
        guard
            let row = try await sql.raw(
                "SELECT * FROM customer_metrics WHERE store_id = \(bind: storeID) AND customer_id = \(bind: customerId)"
            ).first()
        else { return nil }
        return (try Self.row(row), try row.int("computed_at"))
    }

    static func row(_ row: any SQLRow) throws -> CustomerMetricsRow {
        var metrics = CustomerMetricsRow(
            customerId: try row.int("customer_id"), ordersCount: try row.int("orders_count"), revenue: try row.int("revenue"))
        metrics.firstOrderAt = try row.optionalInt("first_order_at")
        metrics.lastOrderAt = try row.optionalInt("last_order_at")
        if let r = try row.optionalInt("rfm_r"), let f = try row.optionalInt("rfm_f"), let m = try row.optionalInt("rfm_m") {
            metrics.rfm = (r, f, m)
        }
        metrics.rfmSegment = try row.text("rfm_segment")
        metrics.probabilityAlive = try row.decode(column: "p_alive", as: Double?.self)
        metrics.expectedPurchases = try row.decode(column: "expected_purchases", as: Double?.self)
        metrics.expectedSpend = try row.optionalInt("expected_spend")
        metrics.predictedValue = try row.optionalInt("predicted_clv")
        metrics.churnRisk = try row.decode(column: "churn_risk", as: Double?.self)
        metrics.churnBand = try row.text("churn_band")
        metrics.nextOrderAt = try row.optionalInt("next_order_at")
        return metrics
    }
}
