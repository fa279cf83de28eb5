import Testing

@testable import PatronEngine

@Suite struct ReorderIntervalsTests {
    static let day: Int64 = 86_400_000

    @Test func theMedianGapOfRealRebuysIgnoresOutliersAndOneOffProducts() {
        var purchases: [(customer: Int64, product: String, at: Int64)] = []
        // Coffee: three customers every ~30 days, one with a year-long break.
        for customer in Int64(1)...3 {
            for n in Int64(0)..<4 { purchases.append((customer, "coffee", (n * 30 + customer) * Self.day)) }
        }
        purchases.append((3, "coffee", (90 + 3 + 365) * Self.day))
        // Same-day purchases count once.
        purchases.append((1, "coffee", 1 * Self.day + 3_600_000))
        // A kettle bought once by everyone, twice by one customer: not a consumable.
        for customer in Int64(1)...5 { purchases.append((customer, "kettle", customer * Self.day)) }
        purchases.append((1, "kettle", 200 * Self.day))
        let intervals = ReorderIntervals(purchases: purchases)
        #expect(intervals.typicalDays["coffee"] == 30)
        #expect(intervals.typicalDays["kettle"] == nil)
        #expect(intervals.lastPurchase[.init(customer: 3, product: "coffee")] == (90 + 3 + 365) * Self.day)
    }
}
