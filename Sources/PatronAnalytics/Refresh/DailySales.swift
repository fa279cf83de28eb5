import PatronCore

/// Revenue and orders per UTC day over a trailing window, split into first orders and repeat orders:
/// the overview's charts read this instead of scanning orders on every page view.
public struct DailySales: Sendable, Equatable {
    /// Epoch day (days since 1970-01-01 UTC) of the first entry.
    public let firstDay: Int64
    public var revenue: [Double]
    public var repeatRevenue: [Double]
    public var orders: [Int]

    /// The `days` days ending with the day that holds `now` (epoch seconds). Orders after `now` are left out.
    public init(_ snapshot: OrderSnapshot, now: Int64, days: Int) {
        let lastDay = Self.floorDiv(now, 86_400)
        firstDay = lastDay - Int64(days) + 1
        revenue = Array(repeating: 0, count: days)
        repeatRevenue = Array(repeating: 0, count: days)
        orders = Array(repeating: 0, count: days)
        for customer in 0..<snapshot.customerCount {
            let range = snapshot.orders(of: customer)
            let first = range.min { snapshot.orderTimes[$0] < snapshot.orderTimes[$1] }
            for order in range {
                let time = snapshot.orderTimes[order]
                guard time <= now else { continue }
                let index = Int(Self.floorDiv(time, 86_400) - firstDay)
                guard index >= 0, index < days else { continue }
                revenue[index] += snapshot.orderAmounts[order]
                orders[index] += 1
                if order != first { repeatRevenue[index] += snapshot.orderAmounts[order] }
            }
        }
    }

    static func floorDiv(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }

    public var json: JSONValue {
        func cents(_ value: Double) -> JSONValue { .double((value * 100).rounded() / 100) }
        return [
            "first_day": .string(String(AnalysisJSON.timestamp(firstDay * 86_400).prefix(10))),
            "revenue": .array(revenue.map(cents)), "repeat_revenue": .array(repeatRevenue.map(cents)),
            "orders": .array(orders.map { .int(Int64($0)) }),
        ]
    }
}
