import PatronAnalytics
import PatronCore
import PatronStore

/// A customer's stored analytics as the API shows them: money as minor units with the currency, times
/// as RFC 3339, probabilities as numbers.
enum PredictionJSON {
    static func render(_ row: CustomerMetricsRow, computedAt: Int64, currency: String?) -> JSONValue {
        [
            "customerId": .int(row.customerId), "computedAt": .time(milliseconds: computedAt), "currency": JSONValue(currency),
            "orders": .int(row.ordersCount), "revenue": .int(row.revenue),
            "firstOrderAt": .time(milliseconds: row.firstOrderAt), "lastOrderAt": .time(milliseconds: row.lastOrderAt),
            "rfm": row.rfm.map { rfm in
                [
                    "r": .int(rfm.r), "f": .int(rfm.f), "m": .int(rfm.m),
                    "score": .string(RFMScores.code(r: UInt8(rfm.r), f: UInt8(rfm.f), m: UInt8(rfm.m))),
                    "segment": JSONValue(row.rfmSegment),
                ]
            } ?? .null,
            "probabilityAlive": JSONValue(row.probabilityAlive), "expectedPurchases": JSONValue(row.expectedPurchases),
            "expectedSpend": JSONValue(row.expectedSpend), "predictedClv": JSONValue(row.predictedValue),
            "churnRisk": JSONValue(row.churnRisk), "churnBand": JSONValue(row.churnBand),
            "nextOrderAt": .time(milliseconds: row.nextOrderAt),
        ]
    }
}
