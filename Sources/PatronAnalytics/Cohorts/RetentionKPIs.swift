/// The retention figures merchants track, over a period [from, to) of epoch seconds.
public struct RetentionKPIs: Sendable, Codable, Equatable {
    public var periodStart: Int64
    public var periodEnd: Int64
    public var orders: Int
    public var revenue: Double
    /// Customers with an order in the period.
    public var customers: Int
    public var averageOrderValue: Double?
    /// Orders per ordering customer in the period.
    public var purchaseFrequency: Double?
    /// Share of every customer who ordered before the period ends that has ordered at least twice.
    public var repeatPurchaseRate: Double?
    /// Share of the period's customers who had ordered before the period started.
    public var returningCustomerRate: Double?
    /// Share of the period's revenue from orders that were not the customer's first.
    public var repeatRevenueShare: Double?
    /// Median days between consecutive purchase days, over all history before the period ends.
    public var medianDaysBetweenOrders: Double?
    /// Repeat customers more likely gone than not (P(alive) < 0.5) or with a high churn risk (at least
    /// 80 % chance of no order in the next year); filled in when predictions exist.
    public var customersAtRisk: Int?
    /// What the at-risk customers would bring over the prediction horizon if they stayed, weighted by
    /// their churn risk: Σ churn risk × value-if-alive.
    public var valueAtRisk: Double?

    public init(_ snapshot: OrderSnapshot, from periodStart: Int64, to periodEnd: Int64) {
        self = Self.periods(snapshot, [(periodStart, periodEnd)])[0]
    }

    /// The KPIs of several periods in one pass over the orders (a refresh asks for nine).
    public static func periods(_ snapshot: OrderSnapshot, _ periods: [(start: Int64, end: Int64)]) -> [RetentionKPIs] {
        var tallies = periods.map { Tally(start: $0.start, end: $0.end) }
        let latestEnd = periods.map(\.end).max() ?? .min
        // The median gap looks at all history before a period's end: one histogram per distinct end.
        let ends = Array(Set(periods.map(\.end))).sorted()
        var gapsBefore = ends.map { _ in DayGapHistogram() }
        for customer in 0..<snapshot.customerCount {
            let range = snapshot.orders(of: customer)
            guard let first = range.first, snapshot.orderTimes[first] < latestEnd else { continue }
            for index in tallies.indices { tallies[index].beginCustomer() }
            var ordersSoFar = 0
            var previousDay = Int64.min
            for order in range {
                let time = snapshot.orderTimes[order]
                if time >= latestEnd { break }
                ordersSoFar += 1
                let day = PurchaseSummary.day(time)
                let gap = previousDay != Int64.min && day > previousDay ? day - previousDay : 0
                previousDay = day
                let amount = snapshot.orderAmounts[order]
                if gap > 0 {
                    for index in ends.indices where time < ends[index] { gapsBefore[index].add(gap) }
                }
                for index in tallies.indices {
                    tallies[index].add(time: time, amount: amount, ordersSoFar: ordersSoFar)
                }
            }
            for index in tallies.indices { tallies[index].endCustomer() }
        }
        return tallies.map { tally in
            RetentionKPIs(tally: tally, gaps: gapsBefore[ends.firstIndex(of: tally.end) ?? 0])
        }
    }

    private init(tally: Tally, gaps: DayGapHistogram) {
        periodStart = tally.start
        periodEnd = tally.end
        orders = tally.orders
        revenue = tally.revenue
        customers = tally.customers
        averageOrderValue = orders > 0 ? revenue / Double(orders) : nil
        purchaseFrequency = customers > 0 ? Double(orders) / Double(customers) : nil
        repeatPurchaseRate = tally.buyers > 0 ? Double(tally.repeatBuyers) / Double(tally.buyers) : nil
        returningCustomerRate = customers > 0 ? Double(tally.returning) / Double(customers) : nil
        repeatRevenueShare = revenue > 0 ? tally.repeatRevenue / revenue : nil
        medianDaysBetweenOrders = gaps.quantile(0.5)
    }

    /// Running totals of one period while the orders stream past, customer by customer.
    private struct Tally {
        let start: Int64
        let end: Int64
        var orders = 0
        var revenue = 0.0
        var repeatRevenue = 0.0
        var customers = 0
        var returning = 0
        var buyers = 0
        var repeatBuyers = 0
        var ordersBefore = 0
        var ordersUntilEnd = 0
        var orderedInPeriod = false

        init(start: Int64, end: Int64) {
            self.start = start
            self.end = end
        }

        mutating func beginCustomer() {
            ordersBefore = 0
            ordersUntilEnd = 0
            orderedInPeriod = false
        }

        mutating func add(time: Int64, amount: Double, ordersSoFar: Int) {
            guard time < end else { return }
            ordersUntilEnd = ordersSoFar
            if time < start {
                ordersBefore += 1
                return
            }
            orders += 1
            revenue += amount
            if ordersSoFar > 1 { repeatRevenue += amount }
            orderedInPeriod = true
        }

        mutating func endCustomer() {
            guard ordersUntilEnd > 0 else { return }
            buyers += 1
            if ordersUntilEnd >= 2 { repeatBuyers += 1 }
            if orderedInPeriod {
                customers += 1
                if ordersBefore > 0 { returning += 1 }
            }
        }

    }
}
