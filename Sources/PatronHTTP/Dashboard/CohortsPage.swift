import Foundation
import Hummingbird
import PatronCore
import PatronStore

/// Retention by first-order month as a heat map, and the revenue each cohort brought, from the last refresh.
extension DashboardController {
    func cohorts(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.session()
        var values: [String: Any] = [:]
        if let run = try await latestAnalytics(session.storeID), let cohorts = run.summary?["cohorts"]?["cohorts"]?.arrayValue,
            !cohorts.isEmpty
        {
            let recent = Array(cohorts.suffix(24))
            let width = min(13, recent.map { $0["retention"]?.arrayValue?.count ?? 0 }.max() ?? 0)
            values["months"] = (0..<width).map { "M\($0)" }
            values["rows"] = recent.reversed().map { cohort -> [String: Any] in
                let retention = cohort["retention"]?.arrayValue?.map { $0.doubleValue ?? 0 } ?? []
                return [
                    "month": cohort["month"]?.stringValue ?? "",
                    "customers": DisplayFormat.number(Int64(cohort["customers"]?.doubleValue ?? 0)),
                    "cells": (0..<width).map { index -> [String: Any] in
                        guard index < retention.count else { return ["value": "", "heat": "heat-none"] }
                        return [
                            "value": DisplayFormat.percent(retention[index], digits: 0),
                            "heat": SVGChart.heat(retention[index], maximum: 0.5),
                        ]
                    },
                    "revenue": DisplayFormat.money(cohort["total_revenue"]?.doubleValue ?? 0, currency: run.currency),
                    "perCustomer": DisplayFormat.money(
                        (cohort["total_revenue"]?.doubleValue ?? 0) / max(1, cohort["customers"]?.doubleValue ?? 1),
                        currency: run.currency),
                ]
            }
            values["hasCohorts"] = true
            values["computedAt"] = DisplayFormat.dateTime(milliseconds: run.finishedAt ?? run.startedAt)
        }
        return try view.page("cohorts", title: "Cohorts", section: .cohorts, session: session, request: request, values: values)
    }
}
