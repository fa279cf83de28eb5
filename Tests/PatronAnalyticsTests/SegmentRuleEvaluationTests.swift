import Testing

@testable import PatronAnalytics

enum SegmentRuleFixture {
    /// 2024-06-01T00:00:00Z.
    static let now: Int64 = 1_717_200_000
    static let day: Int64 = 86_400
    static let missing = CustomerFacts.missingTime

    /// The members of `source` over `facts`, checking that `evaluate` and `members` agree.
    static func members(_ source: String, _ facts: CustomerFacts) throws -> [Int] {
        let rule = try SegmentRule.parse(source)
        let flags = rule.evaluate(facts)
        let members = rule.members(facts)
        #expect(flags.count == facts.count)
        #expect(members == flags.indices.filter { flags[$0] }, "evaluate and members disagree on \(source)")
        return members
    }

    /// Five customers with a mix of present and missing values; `consent.sms` has no column at all.
    static var customers: CustomerFacts {
        var facts = CustomerFacts(count: 5, now: now)
        facts.numbers["orders.count"] = [0, 1, 2, 3, .nan]
        facts.numbers["orders.total"] = [0, 19.99, -5, 100, 7]
        facts.strings["country"] = ["US", "CA", nil, "DE", "us"]
        facts.strings["email"] = ["a@example.com", "b@shop.io", nil, "c@example.com", "d@EXAMPLE.com"]
        facts.times["last_order_at"] = [now - day, now - 7 * day, now - 8 * day, missing, now - 100 * day]
        facts.times["first_order_at"] = [now - 10 * day, now - 7 * day, missing, now - day, now - 200 * day]
        facts.flags["consent.email"] = [true, false, true, false, true]
        facts.lists["tags"] = [["vip"], ["vip", "wholesale"], [], ["new"], []]
        return facts
    }
}

@Suite struct SegmentRuleEvaluationTests {
    private let facts = SegmentRuleFixture.customers

    private func members(_ source: String) throws -> [Int] {
        try SegmentRuleFixture.members(source, facts)
    }

    @Test func numberComparisonsSkipMissingValues() throws {
        #expect(try members("orders.count == 2") == [2])
        #expect(try members("orders.count != 2") == [0, 1, 3])
        #expect(try members("orders.count < 2") == [0, 1])
        #expect(try members("orders.count <= 2") == [0, 1, 2])
        #expect(try members("orders.count > 2") == [3])
        #expect(try members("orders.count >= 2") == [2, 3])
        #expect(try members("2 > orders.count") == [0, 1])
        #expect(try members("orders.total > -1") == [0, 1, 3, 4])
        #expect(try members("orders.total >= 19.99") == [1, 3])
        #expect(try members("orders.total > orders.count") == [1, 3])
    }

    @Test func stringComparisonsAreExactAndSkipMissingValues() throws {
        #expect(try members("country == \"US\"") == [0])
        #expect(try members("country != \"US\"") == [1, 3, 4])
        #expect(try members("country < \"D\"") == [1])
        #expect(try members("country >= \"US\"") == [0, 4])
        #expect(try members("\"US\" == country") == [0])
    }

    @Test func membershipInLists() throws {
        #expect(try members("country in [\"US\", \"CA\"]") == [0, 1])
        #expect(try members("country not in [\"US\", \"CA\"]") == [3, 4])
        #expect(try members("not country in [\"US\", \"CA\"]") == [2, 3, 4])
        let many = (1...12).map { "\"X\($0)\"" }.joined(separator: ", ")
        #expect(try members("country in [\(many), \"DE\"]") == [3])
        #expect(try members("country not in [\(many), \"DE\"]") == [0, 1, 4])
        #expect(try members("orders.count in [1, 3, 3]") == [1, 3])
        #expect(try members("orders.count not in [1, 3]") == [0, 2])
    }

    @Test func timeArithmeticIsRelativeToTheFactsNow() throws {
        #expect(try members("last_order_at >= now - 7d") == [0, 1])
        #expect(try members("last_order_at > now - 7d") == [0])
        #expect(try members("last_order_at < now - 7d") == [2, 4])
        #expect(try members("last_order_at < now - 90d") == [4])
        #expect(try members("last_order_at <= now - 168h") == [1, 2, 4])
        #expect(try members("last_order_at + 7d >= now") == [0, 1])
        #expect(try members("now + 2w > last_order_at") == [0, 1, 2, 4])
        #expect(try members("last_order_at != now - 1d") == [1, 2, 4])
        #expect(try members("last_order_at == now - 1w") == [1])
        var later = CustomerFacts(count: 5, now: SegmentRuleFixture.now + 2 * SegmentRuleFixture.day)
        later.times = facts.times
        #expect(try SegmentRuleFixture.members("last_order_at >= now - 7d", later) == [0])
    }

    @Test func dateLiteralsCompareWithTimes() throws {
        #expect(try members("last_order_at < \"2024-05-01\"") == [4])
        #expect(try members("last_order_at > \"2024-05-25T00:00:00Z\"") == [0])
        #expect(try members("last_order_at >= \"2024-05-25\"") == [0, 1])
        #expect(try members("now > \"2024-05-31\"") == [0, 1, 2, 3, 4])
    }

    @Test func timesCompareWithOtherTimeAttributes() throws {
        #expect(try members("first_order_at < last_order_at") == [0, 4])
        #expect(try members("first_order_at + 3d < last_order_at") == [0, 4])
        #expect(try members("first_order_at + 10d <= last_order_at") == [4])
        #expect(try members("first_order_at == last_order_at") == [1])
    }

    @Test func booleansAreUsableBare() throws {
        #expect(try members("consent.email") == [0, 2, 4])
        #expect(try members("not consent.email") == [1, 3])
        #expect(try members("consent.email == false") == [1, 3])
        #expect(try members("consent.email != true") == [1, 3])
        #expect(try members("true") == [0, 1, 2, 3, 4])
        #expect(try members("false or consent.email") == [0, 2, 4])
    }

    @Test func containsOnListsAndStrings() throws {
        #expect(try members("tags contains \"vip\"") == [0, 1])
        #expect(try members("tags contains any [\"wholesale\", \"new\"]") == [1, 3])
        #expect(try members("tags contains all [\"vip\", \"wholesale\"]") == [1])
        #expect(try members("not tags contains \"vip\"") == [2, 3, 4])
        #expect(try members("email contains \"@example.com\"") == [0, 3])
        #expect(try members("email contains any [\"@shop.io\", \"@EXAMPLE\"]") == [1, 4])
        #expect(try members("email contains all [\"c@\", \"example\"]") == [3])
    }

    @Test func missingValuesFailComparisonsAndNotNegates() throws {
        #expect(try members("orders.count is set") == [0, 1, 2, 3])
        #expect(try members("orders.count is not set") == [4])
        #expect(try members("not orders.count >= 2") == [0, 1, 4])
        #expect(try members("country is not set") == [2])
        #expect(try members("last_order_at is set") == [0, 1, 2, 4])
        #expect(try members("tags is set") == [0, 1, 3])
        #expect(try members("consent.email is set") == [0, 1, 2, 3, 4])
    }

    @Test func attributesWithoutAColumnAreMissingForEveryone() throws {
        #expect(try members("predicted_clv > 0") == [])
        #expect(try members("predicted_clv != 1") == [])
        #expect(try members("predicted_clv is not set") == [0, 1, 2, 3, 4])
        #expect(try members("churn_risk == \"high\"") == [])
        #expect(try members("churn_risk not in [\"low\"]") == [])
        #expect(try members("not churn_risk in [\"low\"]") == [0, 1, 2, 3, 4])
        #expect(try members("consent.sms") == [])
        #expect(try members("consent.sms == false") == [])
        #expect(try members("not consent.sms") == [0, 1, 2, 3, 4])
        #expect(try members("consent.sms is set") == [])
        #expect(try members("next_order_at < now") == [])
        #expect(try members("rfm.segment contains \"Risk\"") == [])
    }

    @Test func shortColumnsArePaddedWithMissingValues() throws {
        var facts = CustomerFacts(count: 4, now: SegmentRuleFixture.now)
        facts.numbers["orders.count"] = [5, 1]
        facts.flags["consent.email"] = [true]
        #expect(try SegmentRuleFixture.members("orders.count > 0", facts) == [0, 1])
        #expect(try SegmentRuleFixture.members("orders.count is not set", facts) == [2, 3])
        #expect(try SegmentRuleFixture.members("consent.email", facts) == [])
    }

    @Test func precedenceChangesMembership() throws {
        var facts = CustomerFacts(count: 3, now: SegmentRuleFixture.now)
        facts.flags["consent.email"] = [true, false, true]
        facts.flags["consent.sms"] = [false, true, false]
        facts.numbers["orders.count"] = [0, 5, 5]
        #expect(try SegmentRuleFixture.members("consent.email or consent.sms and orders.count > 1", facts) == [0, 1, 2])
        #expect(try SegmentRuleFixture.members("(consent.email or consent.sms) and orders.count > 1", facts) == [1, 2])
        #expect(try SegmentRuleFixture.members("not consent.email and consent.sms", facts) == [1])
        #expect(try SegmentRuleFixture.members("not (consent.email and consent.sms)", facts) == [0, 1, 2])
        #expect(try SegmentRuleFixture.members("not (consent.email or orders.count > 1)", facts) == [])
    }

    @Test func theIssueExampleSelectsLapsedHighValueCustomers() throws {
        let now = SegmentRuleFixture.now
        let day = SegmentRuleFixture.day
        let missing = SegmentRuleFixture.missing
        var facts = CustomerFacts(count: 10, now: now)
        facts.strings["rfm.segment"] = [
            "At Risk", "Can't Lose Them", "At Risk", "At Risk", "Champions", "Can't Lose Them", nil, "At Risk", "At Risk",
            "At Risk",
        ]
        facts.numbers["orders.count"] = [3, 2, 1, 5, 10, 4, 6, .nan, 2, 2]
        facts.times["last_order_at"] = [
            now - 120 * day, now - 91 * day, now - 200 * day, now - 30 * day, now - 100 * day, now - 200 * day,
            now - 150 * day, now - 150 * day, missing, now - 90 * day,
        ]
        facts.flags["consent.email"] = [true, true, true, true, true, false, true, true, true, true]
        let source =
            #"rfm.segment in ["At Risk", "Can't Lose Them"] and orders.count >= 2 and last_order_at < now - 90d "#
            + #"and consent.email"#
        #expect(try SegmentRuleFixture.members(source, facts) == [0, 1])
        let rule = try SegmentRule.parse(source)
        #expect(rule.attributes == ["rfm.segment", "orders.count", "last_order_at", "consent.email"])
        #expect(rule.eventTypes.isEmpty)
    }

    @Test func noCustomersMeansNoMembers() throws {
        let empty = CustomerFacts(count: 0, now: SegmentRuleFixture.now)
        #expect(try SegmentRuleFixture.members("orders.count > 1 or did \"X\"", empty) == [])
        #expect(try SegmentRule.parse("true").evaluate(empty) == [])
    }
}
