import Testing

@testable import PatronAnalytics

/// A tiny store whose figures are worked out by hand. Days are counted from 2024-01-01 (UTC).
@Suite struct CohortAndKPITests {
    static let january1 = CivilCalendar.day(year: 2024, month: 1, day: 1) * 86_400

    static func at(day: Int64, hour: Int64 = 12) -> Int64 { january1 + day * 86_400 + hour * 3_600 }

    /// alice: Jan 5 (100), Jan 20 (50), Mar 3 (30). bob: Jan 10 (80). carol: Feb 2 (40), Feb 2 again (10),
    /// Apr 1 (60). dave: registered, never ordered.
    static func store() -> OrderSnapshot {
        var builder = OrderSnapshotBuilder()
        builder.append(customer: "carol", time: at(day: 91), amount: 60)
        builder.append(customer: "alice", time: at(day: 4), amount: 100)
        builder.append(customer: "bob", time: at(day: 9), amount: 80)
        builder.append(customer: "alice", time: at(day: 62), amount: 30)
        builder.append(customer: "carol", time: at(day: 32, hour: 9), amount: 40)
        builder.append(customer: "alice", time: at(day: 19), amount: 50)
        builder.append(customer: "carol", time: at(day: 32, hour: 18), amount: 10)
        builder.customer("dave")
        return builder.build()
    }

    @Test func snapshotGroupsByCustomerInTimeOrder() {
        let snapshot = Self.store()
        #expect(snapshot.customerKeys == ["carol", "alice", "bob", "dave"])
        #expect(snapshot.orders(of: 0).map { snapshot.orderAmounts[$0] } == [40, 10, 60])
        #expect(snapshot.orders(of: 1).map { snapshot.orderAmounts[$0] } == [100, 50, 30])
        #expect(snapshot.orders(of: 3).isEmpty)
    }

    @Test func summaryMergesSameDayOrders() {
        let summary = PurchaseSummary(Self.store(), until: Self.at(day: 99), unit: .days)
        #expect(summary.count == 3)
        // carol: Feb 2 (two orders, one occasion) and Apr 1.
        #expect(summary.frequency == [1, 2, 0])
        #expect(summary.recency == [59, 58, 0])
        #expect(summary.age == [67, 95, 90])
        #expect(summary.monetary == [60, 40, 0])
    }

    @Test func cohortsByFirstOrderMonth() {
        let report = CohortReport(Self.store(), until: Self.at(day: 99))
        #expect(report.cohorts.map(\.month) == ["2024-01", "2024-02"])
        let january = report.cohorts[0]
        #expect(january.customers == 2)
        // Month 0: alice ordered twice in January (bob once); nobody in February; alice in March.
        #expect(january.retention == [0.5, 0, 0.5, 0])
        #expect(january.revenue == [230, 0, 30, 0])
        #expect(january.totalRevenue == 260)
        let february = report.cohorts[1]
        #expect(february.retention == [1, 0, 1])
        #expect(february.revenue == [50, 0, 60])
        // Gaps in days between purchase days: alice 15 and 43, carol 59.
        #expect(report.daysBetweenOrders.map(\.count) == [0, 0, 1, 2, 0, 0, 0, 0])
        #expect(report.daysBetweenOrdersQuantiles["median"] == 43)
    }

    @Test func kpisOverAPeriod() {
        // Period: March and April (days 60..<100).
        let kpis = RetentionKPIs(Self.store(), from: Self.at(day: 60, hour: 0), to: Self.at(day: 100, hour: 0))
        #expect(kpis.orders == 2)
        #expect(kpis.revenue == 90)
        #expect(kpis.customers == 2)
        #expect(kpis.averageOrderValue == 45)
        #expect(kpis.purchaseFrequency == 1)
        // Every buyer up to the end: alice (3), bob (1), carol (3): two of three ordered twice or more.
        #expect(kpis.repeatPurchaseRate == 2.0 / 3)
        #expect(kpis.returningCustomerRate == 1)
        #expect(kpis.repeatRevenueShare == 1)
        #expect(kpis.medianDaysBetweenOrders == 43)
    }

    @Test func manyPeriodsInOnePassEqualEachPeriodAlone() {
        let periods = [
            (Self.at(day: 60, hour: 0), Self.at(day: 100, hour: 0)), (Self.at(day: 0), Self.at(day: 33)),
            (Self.at(day: 10), Self.at(day: 20)), (Self.at(day: 200), Self.at(day: 300)),
        ]
        let together = RetentionKPIs.periods(Self.store(), periods.map { (start: $0.0, end: $0.1) })
        #expect(together == periods.map { RetentionKPIs(Self.store(), from: $0.0, to: $0.1) })
        // January to Feb 2 (09:00 and 18:00 orders are before 12:00 on day 33): alice 2, bob 1, carol 2.
        #expect(together[1].orders == 5)
        #expect(together[1].customers == 3)
        #expect(together[1].repeatPurchaseRate == 2.0 / 3)
        #expect(together[1].medianDaysBetweenOrders == 15)
    }

    @Test func kpisOfAnEmptyPeriodAreMissingNotZero() {
        let kpis = RetentionKPIs(Self.store(), from: Self.at(day: 200), to: Self.at(day: 300))
        #expect(kpis.orders == 0)
        #expect(kpis.averageOrderValue == nil)
        #expect(kpis.returningCustomerRate == nil)
        #expect(kpis.repeatRevenueShare == nil)
    }
}
