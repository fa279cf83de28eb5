import PatronCore
import PatronStore

/// A customer's stored analytics as the API shows them: money as minor units with the currency, times
/// as RFC 3339, probabilities as numbers.
enum PredictionJSON {
    static func render(_ row: CustomerMetricsRow, computedAt: Int64, currency: String?) -> JSONValue {
        func time(_ milliseconds: Int64?) -> JSONValue {
            milliseconds.map { .string(Timestamp.format(Timestamp.date(milliseconds: $0))) } ?? .null
        }
        func number(_ value: Double?) -> JSONValue { value.map { .double($0) } ?? .null }
        return [
            "customerId": .int(row.customerId), "computedAt": time(computedAt), "currency": JSONValue(currency),
            "orders": .int(row.ordersCount), "revenue": .int(row.revenue), "firstOrderAt": time(row.firstOrderAt),
            "lastOrderAt": time(row.lastOrderAt),
            "rfm": row.rfm.map { rfm in
                [
                    "r": .int(rfm.r), "f": .int(rfm.f), "m": .int(rfm.m), "score": .string("\(rfm.r)\(rfm.f)\(rfm.m)"),
                    "segment": JSONValue(row.rfmSegment),
                ]
            } ?? .null,
            "probabilityAlive": number(row.probabilityAlive), "expectedPurchases": number(row.expectedPurchases),
            "expectedSpend": JSONValue(row.expectedSpend), "predictedClv": JSONValue(row.predictedValue),
            "churnRisk": number(row.churnRisk), "churnBand": JSONValue(row.churnBand), "nextOrderAt": time(row.nextOrderAt),
        ]
    }
}
