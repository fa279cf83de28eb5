import Foundation
import PatronAnalytics
import PatronCore
import PatronStore
import SQLKit

/// What a flow did and earned over a period: runs, messages and engagement, last-touch attributed
/// orders, and the part that matters, incrementality: the conversion rate and revenue per customer of
/// runs that got the messages against the held-out runs, each with a 95% confidence interval. Only
/// runs whose conversion window has closed are compared.
public struct FlowPerformance: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func report(flow: String, store: Int64, days: Int64, now: Int64) async throws -> JSONValue {
        let start = now - days * 86_400_000
        return try await database.read { sql in
            let settings = try await MessagingSettings.load(store: store, in: sql)
            let window = max(1, settings.emailClickDays) * 86_400_000
            let runs = try await sql.raw(
                """
                SELECT id, customer_id, held_out, status, started_at FROM flow_runs
                WHERE store_id = \(bind: store) AND flow = \(bind: flow) AND started_at >= \(bind: start)
                """
            ).all().map { row in
                (
                    customer: try row.optionalInt("customer_id"), heldOut: try row.int("held_out") == 1,
                    status: try row.requiredText("status"), startedAt: try row.int("started_at")
                )
            }
            var statusCounts: [String: Int64] = [:]
            for run in runs { statusCounts[run.status, default: 0] += 1 }
            let orders = try await customerOrders(Set(runs.compactMap(\.customer)), store: store, since: start, sql: sql)
            var treated: [(converted: Bool, revenue: Double)] = []
            var holdout: [(converted: Bool, revenue: Double)] = []
            for run in runs where run.startedAt + window <= now {
                guard let customer = run.customer else { continue }
                let inWindow = (orders[customer] ?? []).filter {
                    $0.placedAt > run.startedAt && $0.placedAt <= run.startedAt + window
                }
                let outcome = (!inWindow.isEmpty, inWindow.reduce(0.0) { $0 + Double($1.total) })
                if run.heldOut { holdout.append(outcome) } else { treated.append(outcome) }
            }
            let conversion = Incrementality.rateDifference(
                treatedConversions: treated.filter(\.converted).count, treated: treated.count,
                holdoutConversions: holdout.filter(\.converted).count, holdout: holdout.count)
            let revenue = Incrementality.meanDifference(treated: treated.map(\.revenue), holdout: holdout.map(\.revenue))
            return [
                "flow": .string(flow), "days": .int(days),
                "runs": [
                    "started": .int(Int64(runs.count)), "heldOut": .int(Int64(runs.filter(\.heldOut).count)),
                    "byStatus": .object(statusCounts.mapValues(JSONValue.int)),
                ],
                "messages": try await Self.messageStats(
                    origin: "flow = \(bind: flow) AND created_at >= \(bind: start)", store: store, sql: sql),
                "attributed": try await Self.attributed(
                    origin: "flow = \(bind: flow) AND attributed_at >= \(bind: start)", store: store, sql: sql),
                "incrementality": [
                    "windowDays": .int(window / 86_400_000), "treatedRuns": .int(Int64(treated.count)),
                    "holdoutRuns": .int(Int64(holdout.count)),
                    "treatedConversionRate": rate(treated.filter(\.converted).count, treated.count),
                    "holdoutConversionRate": rate(holdout.filter(\.converted).count, holdout.count),
                    "conversionLift": conversion.map(Self.json) ?? .null,
                    "revenuePerCustomerLift": revenue.map(Self.json) ?? .null,
                    "incrementalRevenue": revenue.map { .double(($0.estimate * Double(treated.count)).rounded()) } ?? .null,
                    "note": .string(
                        "Compares runs whose \(window / 86_400_000)-day window has closed; revenue in minor units of the orders' currencies."
                    ),
                ],
            ]
        }
    }

    static func json(_ interval: Incrementality.Interval) -> JSONValue {
        ["estimate": .double(interval.estimate), "lower": .double(interval.lower), "upper": .double(interval.upper)]
    }

    func rate(_ successes: Int, _ trials: Int) -> JSONValue {
        trials == 0 ? .null : .double(Double(successes) / Double(trials))
    }

    func customerOrders(_ customers: Set<Int64>, store: Int64, since: Int64, sql: any SQLDatabase) async throws
        -> [Int64: [(placedAt: Int64, total: Int64)]]
    {
        guard !customers.isEmpty else { return [:] }
        var result: [Int64: [(placedAt: Int64, total: Int64)]] = [:]
        let ids = Array(customers)
        for chunk in stride(from: 0, to: ids.count, by: 500) {
            let slice = Array(ids[chunk..<min(ids.count, chunk + 500)])
            for row in try await sql.raw(
                """
                SELECT customer_id, placed_at, total FROM orders WHERE store_id = \(bind: store) AND is_placeholder = 0
                    AND placed_at >= \(bind: since) AND customer_id IN (\(binds: slice))
                """
            ).all() {
                result[try row.int("customer_id"), default: []].append((try row.int("placed_at"), try row.int("total")))
            }
        }
        return result
    }

    /// Messages by state, and how many were opened, clicked and unsubscribed from, for the messages
    /// matching `origin`.
    static func messageStats(origin: SQLQueryString, store: Int64, sql: any SQLDatabase) async throws -> JSONValue {
        var stats: [String: JSONValue] = [:]
        var engagement: [String: Int64] = ["opened": 0, "clicked": 0, "unsubscribed": 0]
        for row in try await sql.raw(
            """
            SELECT status, COUNT(*) AS messages, COUNT(opened_at) AS opened, COUNT(clicked_at) AS clicked,
                COUNT(unsubscribed_at) AS unsubscribed
            FROM messages WHERE store_id = \(bind: store) AND \(origin) GROUP BY status
            """
        ).all() {
            stats[try row.requiredText("status")] = .int(try row.int("messages"))
            for key in engagement.keys { engagement[key, default: 0] += try row.int(key) }
        }
        for (key, count) in engagement { stats[key] = .int(count) }
        return .object(stats)
    }

    /// Last-touch attributed orders and revenue by currency and touch, for attributions matching `origin`.
    static func attributed(origin: SQLQueryString, store: Int64, sql: any SQLDatabase) async throws -> JSONValue {
        .array(
            try await sql.raw(
                """
                SELECT currency, touch, variant, COUNT(*) AS orders,
                    COALESCE(SUM(CAST(revenue AS DOUBLE PRECISION)), 0) AS revenue FROM attributions
                WHERE store_id = \(bind: store) AND \(origin)
                GROUP BY currency, touch, variant ORDER BY currency, touch, variant
                """
            ).all().map { row in
                [
                    "currency": .string(try row.requiredText("currency")), "touch": .string(try row.requiredText("touch")),
                    "variant": JSONValue(try row.text("variant")), "orders": .int(try row.int("orders")),
                    "revenue": .double(try row.decode(column: "revenue", as: Double.self)),
                ]
            })
    }
}
