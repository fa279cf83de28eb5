/// Retention by first-order month, revenue per cohort, and how long customers take between orders.
public struct CohortReport: Sendable, Codable, Equatable {
    public struct Cohort: Sendable, Codable, Equatable {
        /// First-order month, "yyyy-MM" (UTC).
        public var month: String
        public var customers: Int
        /// `retention[k]`: share of the cohort with an order in month k after their first month
        /// (k = 0 is the first month itself, where it is the share that ordered twice in it).
        public var retention: [Double]
        /// `revenue[k]`: the cohort's revenue in month k.
        public var revenue: [Double]
        public var totalRevenue: Double
    }

    public struct IntervalBucket: Sendable, Codable, Equatable {
        public var label: String
        public var minimumDays: Int
        /// Exclusive; nil for the last, open bucket.
        public var maximumDays: Int?
        public var count: Int
    }

    public var cohorts: [Cohort]
    /// Days between consecutive purchase days of the same customer.
    public var daysBetweenOrders: [IntervalBucket]
    public var daysBetweenOrdersQuantiles: [String: Double]

    static let bucketEdges: [(label: String, lower: Int, upper: Int?)] = [
        ("1-7 days", 1, 8), ("8-14 days", 8, 15), ("15-30 days", 15, 31), ("31-60 days", 31, 61),
        ("61-90 days", 61, 91), ("91-180 days", 91, 181), ("181-365 days", 181, 366), ("over 365 days", 366, nil),
    ]

    /// Orders after `until` (epoch seconds) are ignored.
    public init(_ snapshot: OrderSnapshot, until: Int64) {
        let lastMonth = CivilCalendar.monthIndex(epochSeconds: until)
        let firstDay = snapshot.orderTimes.min().map(PurchaseSummary.day) ?? 0
        let monthTable = MonthTable(fromDay: firstDay, toDay: PurchaseSummary.day(until))
        var cohortIndex: [Int64: Int] = [:]
        var cohorts: [(month: Int64, customers: Int, ordering: [Int], revenue: [Double])] = []
        var intervals = DayGapHistogram()
        var bucketCounts = [Int](repeating: 0, count: Self.bucketEdges.count)
        for customer in 0..<snapshot.customerCount {
            let orders = snapshot.orders(of: customer)
            guard let first = orders.first, snapshot.orderTimes[first] <= until else { continue }
            let firstMonth = monthTable.month(epochSeconds: snapshot.orderTimes[first])
            let width = Int(lastMonth - firstMonth) + 1
            let slot: Int
            if let existing = cohortIndex[firstMonth] {
                slot = existing
            } else {
                slot = cohorts.count
                cohortIndex[firstMonth] = slot
                cohorts.append((firstMonth, 0, [Int](repeating: 0, count: width), [Double](repeating: 0, count: width)))
            }
            cohorts[slot].customers += 1
            var lastCountedMonth = Int64.min
            var ordersInFirstMonth = 0
            var previousDay = Int64.min
            for order in orders {
                let time = snapshot.orderTimes[order]
                if time > until { break }
                let month = monthTable.month(epochSeconds: time) - firstMonth
                cohorts[slot].revenue[Int(month)] += snapshot.orderAmounts[order]
                if month == 0 {
                    ordersInFirstMonth += 1
                    if ordersInFirstMonth == 2 { cohorts[slot].ordering[0] += 1 }
                }
                if month > 0 && month != lastCountedMonth {
                    cohorts[slot].ordering[Int(month)] += 1
                    lastCountedMonth = month
                }
                let day = PurchaseSummary.day(time)
                if previousDay != Int64.min && day > previousDay {
                    let gap = day - previousDay
                    intervals.add(gap)
                }
                previousDay = day
            }
        }
        self.cohorts = cohorts.sorted { $0.month < $1.month }.map { cohort in
            let size = Double(cohort.customers)
            return Cohort(
                month: CivilCalendar.monthLabel(cohort.month), customers: cohort.customers,
                retention: cohort.ordering.map { Double($0) / size }, revenue: cohort.revenue,
                totalRevenue: cohort.revenue.reduce(0, +))
        }
        for (gap, count) in intervals.counts.enumerated() where count > 0 {
            let bucket = Self.bucketEdges.lastIndex { gap >= $0.lower } ?? 0
            bucketCounts[bucket] += count
        }
        daysBetweenOrders = zip(Self.bucketEdges, bucketCounts).map {
            IntervalBucket(label: $0.label, minimumDays: $0.lower, maximumDays: $0.upper, count: $1)
        }
        var quantiles: [String: Double] = [:]
        for (name, fraction) in [("p25", 0.25), ("median", 0.5), ("p75", 0.75), ("p90", 0.9)] {
            quantiles[name] = intervals.quantile(fraction)
        }
        daysBetweenOrdersQuantiles = quantiles
    }
}
