import Foundation
import Hummingbird
import PatronCore
import PatronEngine
import PatronStore
import SQLKit

/// The overview: the retention KPIs of a period against the one before, revenue and orders per day,
/// and what each flow and campaign earned. Everything but the flow table comes from the last
/// analytics refresh, so the page costs the same with ten customers or ten million.
extension DashboardController {
    static let periods = [7, 30, 90, 365]

    func overview(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.session()
        let period = Int(request.uri.queryParameters["period"].map(String.init) ?? "") ?? 30
        guard Self.periods.contains(period) else {
            throw Problem.validation(ValidationFailure(field: "period", message: "expected 7, 30, 90 or 365 (days)"))
        }
        var values: [String: Any] = [
            "periods": Self.periods.map { ["days": $0, "label": "\($0) days", "current": $0 == period] as [String: Any] },
            "period": period,
        ]
        guard let run = try await latestAnalytics(session.storeID), let summary = run.summary else {
            values["noAnalytics"] = true
            return try view.page(
                "overview", title: "Overview", section: .overview, session: session, request: request, values: values)
        }
        let currency = run.currency
        values["computedAt"] = DisplayFormat.dateTime(milliseconds: run.finishedAt ?? run.startedAt)
        let chosen = summary["kpi_periods"]?.arrayValue?.first { $0["days"] == .int(Int64(period)) }
        let current = chosen?["current"] ?? .null
        let previous = chosen?["previous"] ?? .null
        let overall = summary["kpis"] ?? .null
        func number(_ value: JSONValue?) -> Double? { value?.doubleValue }
        func tile(_ label: String, _ key: String, _ format: (Double) -> String, hint: String) -> [String: Any] {
            var tile: [String: Any] = ["label": label, "value": number(current[key]).map(format) ?? "–", "hint": hint]
            if let change = DisplayFormat.change(number(current[key]), number(previous[key])) {
                tile["delta"] = "\(change.text) vs previous \(period) days"
                tile["direction"] = change.direction
            }
            return tile
        }
        let money = { (value: Double) in DisplayFormat.money(value, currency: currency) }
        let buyers = summary["buyers"]?.doubleValue ?? 0
        let clvTotal = number(summary["predicted_clv_total"]) ?? 0
        values["kpis"] = [
            tile("Revenue", "revenue", money, hint: "Orders placed in the period, net of cancellations"),
            tile("Orders", "orders", { DisplayFormat.number(Int64($0)) }, hint: "Orders placed in the period"),
            tile("Average order value", "average_order_value", money, hint: "Revenue per order"),
            tile(
                "Revenue from repeat customers", "repeat_revenue_share", { DisplayFormat.percent($0) },
                hint: "Share of revenue from customers on their second order or later"),
            tile(
                "Returning-customer rate", "returning_customer_rate", { DisplayFormat.percent($0) },
                hint: "Buyers in the period who had bought before"),
            tile(
                "Repeat purchase rate", "repeat_purchase_rate", { DisplayFormat.percent($0) },
                hint: "Customers with two or more orders, of all who ordered"),
        ]
        values["risk"] =
            [
                [
                    "label": "Customers at risk", "value": DisplayFormat.number(Int64(number(overall["customers_at_risk"]) ?? 0)),
                    "hint": "Once-regular customers now overdue (RFM segments At Risk and Can't Lose Them)",
                ],
                [
                    "label": "Value at risk", "value": money(number(overall["value_at_risk"]) ?? 0),
                    "hint": "Their predicted spend over the next year",
                ],
                [
                    "label": "Predicted lifetime value", "value": money(buyers > 0 ? clvTotal / buyers : 0),
                    "hint":
                        "Average per buyer over the next \(Int(summary["horizon_days"]?.doubleValue ?? 365)) days; \(money(clvTotal)) in total",
                ],
            ] as [[String: Any]]
        if let daily = summary["daily"] {
            values["charts"] = charts(daily, period: period, money: money)
        }
        values["flowRows"] = try await earnings(
            summary["engagement"] ?? .null, days: period, store: session.storeID, currency: currency)
        return try view.page(
            "overview", title: "Overview", section: .overview, session: session, request: request, values: values)
    }

    /// Revenue (current and previous period) as lines and orders as bars; a year is drawn per week.
    func charts(_ daily: JSONValue, period: Int, money: (Double) -> String) -> [String: Any] {
        let revenue = daily["revenue"]?.arrayValue?.map { $0.doubleValue ?? 0 } ?? []
        let orders = daily["orders"]?.arrayValue?.map { $0.doubleValue ?? 0 } ?? []
        let first =
            Timestamp.parse((daily["first_day"]?.stringValue ?? "1970-01-01") + "T00:00:00Z") ?? Date(timeIntervalSince1970: 0)
        let bucket = period > 90 ? 7 : 1
        func window(_ series: [Double], offset: Int) -> [Double] {
            let end = series.count - offset
            let start = max(0, end - period)
            guard end > start else { return [] }
            let slice = Array(series[start..<end])
            return stride(from: 0, to: slice.count, by: bucket).map { slice[$0..<min(slice.count, $0 + bucket)].reduce(0, +) }
        }
        let labels = stride(from: max(0, revenue.count - period), to: revenue.count, by: bucket).map { index -> String in
            let date = first.addingTimeInterval(Double(index) * 86_400)
            let parts = Calendar.utc.dateComponents([.month, .day], from: date)
            return "\(parts.day ?? 1) \(DisplayFormat.months[(parts.month ?? 1) - 1])"
        }
        let unit = bucket == 7 ? "week" : "day"
        return [
            "revenue": SVGChart.line(
                series: [
                    ChartSeries(name: "This period", values: window(revenue, offset: 0), style: "series-current"),
                    ChartSeries(name: "Previous period", values: window(revenue, offset: period), style: "series-previous"),
                ], labels: labels, title: "Revenue per \(unit)", format: money),
            "orders": SVGChart.bars(
                series: ChartSeries(name: "Orders", values: window(orders, offset: 0), style: "series-current"),
                labels: labels, title: "Orders per \(unit)", format: { DisplayFormat.number(Int64($0)) }),
            "unit": unit,
        ]
    }

    /// Each flow and campaign with messages sent, attributed orders and revenue in the period, and the
    /// flow's incremental revenue against its holdout over 30 days, all as of the last refresh.
    func earnings(_ engagement: JSONValue, days: Int, store: Int64, currency: String?) async throws -> [[String: Any]] {
        let origins =
            engagement["periods"]?.arrayValue?.first { $0["days"]?.doubleValue == Double(days) }?["origins"]?
            .arrayValue ?? []
        let campaignNames = try await database.read { sql in
            Dictionary(
                uniqueKeysWithValues: try await sql.raw(
                    "SELECT id, name FROM campaigns WHERE store_id = \(bind: store) ORDER BY id DESC LIMIT 500"
                ).all().map { (try $0.int("id"), try $0.requiredText("name")) })
        }
        let scale = pow(10, Double(Currency(code: currency ?? "USD")?.minorDigits ?? 2))
        let rows = origins.map { origin -> [String: Any] in
            let revenue = origin["revenue"]?.doubleValue ?? 0
            var row: [String: Any] = [
                "sent": DisplayFormat.number(Int64(origin["sent"]?.doubleValue ?? 0)),
                "orders": DisplayFormat.number(Int64(origin["orders"]?.doubleValue ?? 0)),
                "revenue": DisplayFormat.money(revenue / scale, currency: currency), "incremental": "–", "sortValue": revenue,
            ]
            if let flow = origin["flow"]?.stringValue {
                row["kind"] = "Flow"
                row["name"] = flow
                row["href"] = "/app/flows/\(flow)"
                if let incremental = engagement["flows"]?[flow]?["incrementality"]?["incrementalRevenue"]?.doubleValue {
                    row["incremental"] = DisplayFormat.money(incremental / scale, currency: currency)
                }
            } else {
                let id = Int64(origin["campaign"]?.doubleValue ?? 0)
                row["kind"] = "Campaign"
                row["name"] = campaignNames[id] ?? "Campaign \(id)"
                row["href"] = "/app/campaigns/\(id)"
            }
            return row
        }
        return rows.sorted { ($0["sortValue"] as? Double ?? 0) > ($1["sortValue"] as? Double ?? 0) }
    }
}
