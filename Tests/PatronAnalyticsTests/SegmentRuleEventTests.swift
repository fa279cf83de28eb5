import Testing

@testable import PatronAnalytics

@Suite struct SegmentRuleEventTests {
    private static let now = SegmentRuleFixture.now
    private static let day = SegmentRuleFixture.day
    /// 2024-05-01T00:00:00Z, 31 days before `now`.
    private static let mayFirst: Int64 = 1_714_521_600

    /// Nine customers' "Order Completed" times, deliberately given out of order.
    private let facts: CustomerFacts = {
        let now = Self.now
        let day = Self.day
        let pairs: [(customer: Int, time: Int64)] = [
            (0, now - 3 * day),
            (1, now - 7 * day),  // exactly on the 7-day boundary
            (2, now - 7 * day - 1),  // one second outside it
            (3, now + day),  // only in the future
            (5, now - day), (5, now - 40 * day), (5, now - 10 * day), (5, now - 20 * day),
            (6, now + 5 * day), (6, now - 25 * day), (6, now - 2 * day),
            (7, Self.mayFirst - 1),
            (8, Self.mayFirst),
        ]
        var facts = CustomerFacts(count: 9, now: now)
        facts.events["Order Completed"] = EventOccurrences(customerCount: 9, pairs: pairs)
        return facts
    }()

    private func members(_ source: String) throws -> [Int] {
        try SegmentRuleFixture.members(source, facts)
    }

    @Test func everMeansAnyOccurrenceUpToNow() throws {
        #expect(try members("did \"Order Completed\"") == [0, 1, 2, 5, 6, 7, 8])
        #expect(try members("not did \"Order Completed\"") == [3, 4])
    }

    @Test func inLastIncludesTheBoundaryInstant() throws {
        #expect(try members("did \"Order Completed\" in last 7d") == [0, 1, 5, 6])
        #expect(try members("did \"Order Completed\" in last 1w") == [0, 1, 5, 6])
        #expect(try members("did \"Order Completed\" in last 48h") == [5, 6])
        #expect(try members("not did \"Order Completed\" in last 7d") == [2, 3, 4, 7, 8])
    }

    @Test func atLeastCountsOnlyOccurrencesInTheWindow() throws {
        #expect(try members("did \"Order Completed\" at least 3 times in last 30d") == [5])
        #expect(try members("did \"Order Completed\" at least 2 times in last 30d") == [5, 6])
        #expect(try members("did \"Order Completed\" at least 4 times in last 1y") == [5])
        #expect(try members("did \"Order Completed\" at least 5 times") == [])
        // Customer 6 has three occurrences, but one is after `now`.
        #expect(try members("did \"Order Completed\" at least 3 times") == [5])
        #expect(try members("did \"Order Completed\" at least 2 times") == [5, 6])
    }

    @Test func sinceIncludesTheGivenInstant() throws {
        #expect(try members("did \"Order Completed\" since \"2024-05-01\"") == [0, 1, 2, 5, 6, 8])
        #expect(try members("did \"Order Completed\" since now - 2w") == [0, 1, 2, 5, 6])
        #expect(try members("did \"Order Completed\" at least 2 times since \"2024-05-01\"") == [5, 6])
        #expect(try members("did \"Order Completed\" since \"2030-01-01\"") == [])
    }

    @Test func eventTypesWithoutOccurrencesWereDoneByNobody() throws {
        #expect(try members("did \"Refund Issued\"") == [])
        #expect(try members("not did \"Refund Issued\" in last 30d") == Array(0..<9))
        #expect(try members("did \"order completed\"") == [])
    }

    @Test func browseAbandonment() throws {
        let now = Self.now
        let day = Self.day
        var facts = CustomerFacts(count: 4, now: now)
        facts.events["Product Viewed"] = EventOccurrences(
            customerCount: 4, pairs: [(0, now - 2 * day), (1, now - 2 * day), (2, now - 10 * day), (3, now - day)])
        facts.events["Order Completed"] = EventOccurrences(
            customerCount: 4, pairs: [(1, now - day), (3, now - 30 * day)])
        let rule = try SegmentRule.parse(
            "did \"Product Viewed\" in last 7d and not did \"Order Completed\" in last 7d")
        #expect(rule.eventTypes == ["Product Viewed", "Order Completed"])
        #expect(rule.attributes.isEmpty)
        #expect(rule.members(facts) == [0, 3])
    }

    @Test func eventsCombineWithAttributes() throws {
        var facts = self.facts
        facts.flags["consent.email"] = [true, true, false, true, true, true, false, true, true]
        #expect(try SegmentRuleFixture.members("did \"Order Completed\" in last 7d and consent.email", facts) == [0, 1, 5])
        #expect(try SegmentRuleFixture.members("consent.email and not did \"Order Completed\"", facts) == [3, 4])
    }
}
