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
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        var orders = 0
        var revenue = 0.0
        var repeatRevenue = 0.0
        var customers = 0
        var returning = 0
        var buyers = 0
        var repeatBuyers = 0
        var gaps = DayGapHistogram()
        for customer in 0..<snapshot.customerCount {
            let range = snapshot.orders(of: customer)
            guard let first = range.first, snapshot.orderTimes[first] < periodEnd else { continue }
            buyers += 1
            var ordersBefore = 0
            var ordersSoFar = 0
            var orderedInPeriod = false
            var previousDay = Int64.min
            for order in range {
                let time = snapshot.orderTimes[order]
                if time >= periodEnd { break }
                ordersSoFar += 1
                let day = PurchaseSummary.day(time)
                if previousDay != Int64.min && day > previousDay { gaps.add(day - previousDay) }
                previousDay = day
                if time < periodStart {
                    ordersBefore += 1
                    continue
                }
                orders += 1
                revenue += snapshot.orderAmounts[order]
                if ordersSoFar > 1 { repeatRevenue += snapshot.orderAmounts[order] }
                orderedInPeriod = true
            }
            if ordersSoFar >= 2 { repeatBuyers += 1 }
            if orderedInPeriod {
                customers += 1
                if ordersBefore > 0 { returning += 1 }
            }
        }
        self.orders = orders
        self.revenue = revenue
        self.customers = customers
        averageOrderValue = orders > 0 ? revenue / Double(orders) : nil
        purchaseFrequency = customers > 0 ? Double(orders) / Double(customers) : nil
        repeatPurchaseRate = buyers > 0 ? Double(repeatBuyers) / Double(buyers) : nil
        returningCustomerRate = customers > 0 ? Double(returning) / Double(customers) : nil
        repeatRevenueShare = revenue > 0 ? repeatRevenue / revenue : nil
        medianDaysBetweenOrders = gaps.quantile(0.5)
    }
}
