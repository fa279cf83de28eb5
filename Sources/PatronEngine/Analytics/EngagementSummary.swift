import Foundation
import PatronCore
import PatronStore
import SQLKit

/// What messages did, computed with each analytics refresh so the dashboard reads it instead of
/// scanning millions of messages, runs and engagement events per page view: per period (7, 30, 90 and
/// 365 days) the messages sent and last-touch attributed orders and revenue of each flow and campaign,
/// and per flow the 30-day performance report (with incrementality against the holdout) and the runs
/// and messages of each step.
public enum EngagementSummary {
    public static let periods = [7, 30, 90, 365]
    public static let flowDays: Int64 = 30

    public static func compute(store: Int64, database: Database, now: Int64) async throws -> JSONValue {
        var periods: [JSONValue] = []
        for days in Self.periods {
            let since = now - Int64(days) * 86_400_000
            let rows = try await database.read { sql in try await origins(store: store, since: since, sql: sql) }
            periods.append(["days": .int(Int64(days)), "origins": .array(rows)])
        }
        let names = try await database.read { try await FlowRepository(sql: $0, storeID: store).all().map(\.name) }
        var flows: [String: JSONValue] = [:]
        for name in names {
            var report = try await FlowPerformance(database: database).report(
                flow: name, store: store, days: flowDays, now: now)
            let steps = try await database.read { sql in
                try await stepCounts(flow: name, store: store, since: now - flowDays * 86_400_000, sql: sql)
            }
            report = report.setting("steps", steps)
            flows[name] = report
        }
        return ["computedAt": .time(milliseconds: now), "periods": .array(periods), "flows": .object(flows)]
    }

    /// Sent messages and attributed orders and revenue (minor units) per flow or campaign since `since`.
    static func origins(store: Int64, since: Int64, sql: any SQLDatabase) async throws -> [JSONValue] {
        var table: [String: [String: JSONValue]] = [:]
        func key(_ row: any SQLRow) throws -> (String, [String: JSONValue]) {
            if let flow = try row.text("flow") { return ("flow:\(flow)", ["flow": .string(flow)]) }
            let campaign = try row.optionalInt("campaign_id") ?? 0
            return ("campaign:\(campaign)", ["campaign": .int(campaign)])
        }
        for row in try await sql.raw(
            """
            SELECT flow, campaign_id, COUNT(*) AS n FROM messages
            WHERE store_id = \(bind: store) AND status = 'sent' AND sent_at >= \(bind: since) GROUP BY flow, campaign_id
            """
        ).all() {
            let (name, origin) = try key(row)
            table[name, default: origin]["sent"] = .int(try row.int("n"))
        }
        for row in try await sql.raw(
            """
            SELECT flow, campaign_id, COUNT(*) AS orders, COALESCE(SUM(CAST(revenue AS DOUBLE PRECISION)), 0) AS revenue
            FROM attributions WHERE store_id = \(bind: store) AND attributed_at >= \(bind: since) GROUP BY flow, campaign_id
            """
        ).all() {
            let (name, origin) = try key(row)
            table[name, default: origin]["orders"] = .int(try row.int("orders"))
            table[name, default: origin]["revenue"] = .double(try row.decode(column: "revenue", as: Double.self))
        }
        return table.keys.sorted().map { JSONValue.object(table[$0] ?? [:]) }
    }

    /// Runs by step and status, and messages by step, status and reason, since `since`.
    static func stepCounts(flow: String, store: Int64, since: Int64, sql: any SQLDatabase) async throws -> JSONValue {
        let runs = try await sql.raw(
            """
            SELECT step, status, COUNT(*) AS n FROM flow_runs WHERE store_id = \(bind: store) AND flow = \(bind: flow)
                AND started_at >= \(bind: since) GROUP BY step, status
            """
        ).all().map { row -> JSONValue in
            [
                "step": .int(try row.int("step")), "status": .string(try row.requiredText("status")),
                "count": .int(try row.int("n")),
            ]
        }
        let messages = try await sql.raw(
            """
            SELECT step, status, reason, COUNT(*) AS n FROM messages WHERE store_id = \(bind: store) AND flow = \(bind: flow)
                AND created_at >= \(bind: since) GROUP BY step, status, reason
            """
        ).all().map { row -> JSONValue in
            [
                "step": .int(try row.optionalInt("step") ?? -1), "status": .string(try row.requiredText("status")),
                "reason": JSONValue(try row.text("reason")), "count": .int(try row.int("n")),
            ]
        }
        return ["runs": .array(runs), "messages": .array(messages)]
    }
}
