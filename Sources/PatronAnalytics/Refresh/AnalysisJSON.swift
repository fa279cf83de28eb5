import PatronCore

/// JSON views of analysis results, shared by `patron analyze --json` and the API.
public enum AnalysisJSON {
    public static func models(_ analysis: CustomerAnalysis) -> JSONValue {
        var purchase: [String: JSONValue] = ["model": "BG/NBD"]
        if let model = analysis.purchaseModel, let fit = analysis.purchaseFit {
            purchase["parameters"] = [
                "r": .double(model.r), "alpha": .double(model.alpha), "a": .double(model.a), "b": .double(model.b),
            ]
            purchase["time_unit"] = .string(model.unit.rawValue)
            purchase.merge(diagnostics(fit)) { $1 }
        }
        if let error = analysis.purchaseModelError { purchase["error"] = .string(error.description) }
        var spend: [String: JSONValue] = ["model": "Gamma-Gamma"]
        if let model = analysis.spendModel, let fit = analysis.spendFit {
            spend["parameters"] = ["p": .double(model.p), "q": .double(model.q), "gamma": .double(model.gamma)]
            spend["money_unit"] = "major currency unit"
            spend["population_mean_spend"] = model.populationMeanSpend.map { .double($0) } ?? .null
            spend.merge(diagnostics(fit)) { $1 }
        }
        if let error = analysis.spendModelError { spend["error"] = .string(error.description) }
        return ["purchases": .object(purchase), "spend": .object(spend)]
    }

    static func diagnostics(_ fit: FitDiagnostics) -> [String: JSONValue] {
        [
            "log_likelihood": .double(fit.logLikelihood), "iterations": .int(Int64(fit.iterations)),
            "converged": .bool(fit.converged), "customers": .int(Int64(fit.customers)),
        ]
    }

    public static func kpis(_ kpis: RetentionKPIs) -> JSONValue {
        return [
            "period_start": .string(timestamp(kpis.periodStart)), "period_end": .string(timestamp(kpis.periodEnd)),
            "orders": .int(Int64(kpis.orders)), "revenue": .double(kpis.revenue), "customers": .int(Int64(kpis.customers)),
            "average_order_value": JSONValue(kpis.averageOrderValue), "purchase_frequency": JSONValue(kpis.purchaseFrequency),
            "repeat_purchase_rate": JSONValue(kpis.repeatPurchaseRate),
            "returning_customer_rate": JSONValue(kpis.returningCustomerRate),
            "repeat_revenue_share": JSONValue(kpis.repeatRevenueShare),
            "median_days_between_orders": JSONValue(kpis.medianDaysBetweenOrders),
            "customers_at_risk": kpis.customersAtRisk.map { .int(Int64($0)) } ?? .null,
            "value_at_risk": JSONValue(kpis.valueAtRisk),
        ]
    }

    /// The standard periods (7, 30, 90 and 365 days to the calibration end), each with the one before.
    public static func kpiPeriods(_ analysis: CustomerAnalysis) -> JSONValue {
        .array(
            analysis.kpiPeriods.map { period in
                ["days": .int(Int64(period.days)), "current": kpis(period.current), "previous": kpis(period.previous)]
            })
    }

    public static func rfmGrid(_ grid: RFMGrid) -> JSONValue {
        [
            "cells": .array(
                grid.cells.map { cell in
                    [
                        "r": .int(Int64(cell.recency)), "f": .int(Int64(cell.frequency)),
                        "customers": .int(Int64(cell.customers)), "revenue": .double(cell.revenue),
                        "predicted_clv": .double(cell.predictedValue),
                    ]
                }),
            "segments": .array(
                grid.segments.map { totals in
                    [
                        "segment": .string(totals.segment.rawValue), "customers": .int(Int64(totals.customers)),
                        "revenue": .double(totals.revenue), "predicted_clv": .double(totals.predictedValue),
                    ]
                }),
        ]
    }

    public static func cohorts(_ report: CohortReport) -> JSONValue {
        [
            "cohorts": .array(
                report.cohorts.map { cohort in
                    [
                        "month": .string(cohort.month), "customers": .int(Int64(cohort.customers)),
                        "retention": .array(cohort.retention.map { .double($0) }),
                        "revenue": .array(cohort.revenue.map { .double($0) }), "total_revenue": .double(cohort.totalRevenue),
                    ]
                }),
            "days_between_orders": .array(
                report.daysBetweenOrders.map { bucket in
                    [
                        "label": .string(bucket.label), "minimum_days": .int(Int64(bucket.minimumDays)),
                        "maximum_days": bucket.maximumDays.map { .int(Int64($0)) } ?? .null,
                        "count": .int(Int64(bucket.count)),
                    ]
                }),
            "days_between_orders_quantiles": .object(report.daysBetweenOrdersQuantiles.mapValues { .double($0) }),
        ]
    }

    /// Segment sizes (every segment, zero included).
    public static func segmentSizes(_ grid: RFMGrid) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: grid.segments.map { ($0.segment.rawValue, .int(Int64($0.customers))) }))
    }

    /// "yyyy-MM-ddTHH:mm:ssZ" for epoch seconds.
    public static func timestamp(_ epochSeconds: Int64) -> String {
        let day = PurchaseSummary.day(epochSeconds)
        let seconds = epochSeconds - day * 86_400
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(CivilCalendar.dayLabel(day))T\(two(seconds / 3_600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))Z"
    }
}
