/// The unit model parameters and durations are expressed in. Parameters such as α scale with it.
public enum TimeUnit: String, Sendable, Codable, CaseIterable {
    case days, weeks

    public var days: Double { self == .days ? 1 : 7 }
}

/// Each buyer's purchase history reduced to what the customer-base models need, as in the
/// literature: purchases on the same UTC day are merged into one purchase occasion;
/// `frequency` is the number of repeat occasions, `recency` the time from the first to the last
/// occasion, `age` (T) the time from the first occasion to the end of the calibration period, and
/// `monetary` the mean value of the repeat occasions (0 when there are none).
public struct PurchaseSummary: Sendable {
    public let unit: TimeUnit
    /// Index into the ``OrderSnapshot``'s customers for each summarised buyer.
    public let customer: [Int32]
    public let frequency: [Int]
    public let recency: [Double]
    public let age: [Double]
    public let monetary: [Double]
    /// The calibration end as a UTC day number (days since 1970-01-01).
    public let endDay: Int64

    public var count: Int { customer.count }

    public init(
        unit: TimeUnit, customer: [Int32], frequency: [Int], recency: [Double], age: [Double], monetary: [Double],
        endDay: Int64
    ) {
        self.unit = unit
        self.customer = customer
        self.frequency = frequency
        self.recency = recency
        self.age = age
        self.monetary = monetary
        self.endDay = endDay
    }

    /// Summarises every customer with at least one order on or before `until` (epoch seconds; the
    /// whole UTC day of `until` belongs to the calibration period). Later orders are ignored.
    public init(_ snapshot: OrderSnapshot, until: Int64, unit: TimeUnit = .days) {
        let endDay = Self.day(until)
        var customer: [Int32] = []
        var frequency: [Int] = []
        var recency: [Double] = []
        var age: [Double] = []
        var monetary: [Double] = []
        customer.reserveCapacity(snapshot.customerCount)
        frequency.reserveCapacity(snapshot.customerCount)
        recency.reserveCapacity(snapshot.customerCount)
        age.reserveCapacity(snapshot.customerCount)
        monetary.reserveCapacity(snapshot.customerCount)
        let perDay = unit.days
        for index in 0..<snapshot.customerCount {
            let orders = snapshot.orders(of: index)
            guard let firstOrder = orders.first, Self.day(snapshot.orderTimes[firstOrder]) <= endDay else { continue }
            let firstDay = Self.day(snapshot.orderTimes[firstOrder])
            var occasionDay = firstDay
            var lastDay = firstDay
            var repeats = 0
            var repeatTotal = 0.0
            for order in orders {
                let day = Self.day(snapshot.orderTimes[order])
                if day > endDay { break }
                if day != occasionDay {
                    repeats += 1
                    occasionDay = day
                    lastDay = day
                }
                if day != firstDay { repeatTotal += snapshot.orderAmounts[order] }
            }
            customer.append(Int32(index))
            frequency.append(repeats)
            recency.append(Double(lastDay - firstDay) / perDay)
            age.append(Double(endDay - firstDay) / perDay)
            monetary.append(repeats > 0 ? repeatTotal / Double(repeats) : 0)
        }
        self.init(
            unit: unit, customer: customer, frequency: frequency, recency: recency, age: age, monetary: monetary,
            endDay: endDay)
    }

    /// The UTC day number (days since 1970-01-01) of an epoch-seconds instant.
    public static func day(_ epochSeconds: Int64) -> Int64 {
        epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
    }
}
