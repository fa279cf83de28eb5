import Testing

@testable import PatronAnalytics

/// The error `SegmentRule.parse` throws for `source`, or nil if it parses.
func segmentRuleError(_ source: String) -> SegmentRuleError? {
    do {
        _ = try SegmentRule.parse(source)
        return nil
    } catch {
        return error
    }
}

struct SegmentRuleErrorCase: Sendable, CustomStringConvertible {
    let source: String
    let position: Int
    let message: String

    var description: String { source }
}

@Suite struct SegmentRuleErrorTests {
    static let cases: [SegmentRuleErrorCase] = [
        .init(source: "", position: 0, message: "empty rule"),
        .init(source: "  \n ", position: 0, message: "empty rule"),
        .init(
            source: "orders.count \"x\"", position: 13,
            message: "expected a comparison operator after 'orders.count', found '\"x\"'"),
        .init(
            source: "orders.count", position: 12,
            message: "expected a comparison operator after 'orders.count', found end of rule"),
        .init(
            source: "orders.count == \"x\"", position: 16,
            message: "cannot compare number attribute 'orders.count' with string \"x\""),
        .init(source: "email == \"a", position: 9, message: "unterminated string"),
        .init(source: "email == \"a\nb\"", position: 9, message: "unterminated string"),
        .init(
            source: "email == \"a\\x\"", position: 11,
            message: "unknown escape '\\x' in string; only \\\" and \\\\ are allowed"),
        .init(
            source: "country in [\"US\", \"CA\"", position: 22,
            message: "expected ',' or ']' in the list, found end of rule"),
        .init(source: "orders.count in []", position: 16, message: "empty list after 'in'; add at least one value"),
        .init(
            source: "country in \"US\"", position: 11,
            message: "expected a list such as [\"a\", \"b\"] after 'in', found '\"US\"'"),
        .init(
            source: "country in [\"US\", 1]", position: 18,
            message: "cannot compare string attribute 'country' with number 1 in the 'in' list"),
        .init(
            source: "orders.count > 1 and", position: 20, message: "expected a condition after 'and', found end of rule"),
        .init(source: "orders.count > and", position: 15, message: "expected a value after '>', found 'and'"),
        .init(
            source: "orders.count > 1 orders.total > 5", position: 17,
            message: "expected 'and', 'or' or end of rule, found 'orders.total'"),
        .init(
            source: "(consent.email or consent.sms", position: 29,
            message: "expected 'and', 'or' or ')', found end of rule"),
        .init(
            source: "consent.email adn consent.sms", position: 14,
            message: "expected 'and', 'or' or end of rule, found 'adn'; did you mean 'and'?"),
        .init(
            source: "last_order_at < \"2024-13-01\"", position: 16,
            message: "invalid date \"2024-13-01\"; expected \"YYYY-MM-DD\" or \"YYYY-MM-DDTHH:MM:SSZ\""),
        .init(
            source: "last_order_at < \"2023-02-29\"", position: 16,
            message: "invalid date \"2023-02-29\"; expected \"YYYY-MM-DD\" or \"YYYY-MM-DDTHH:MM:SSZ\""),
        .init(
            source: "last_order_at < 2024-01-01", position: 16,
            message: "a date must be written in double quotes, e.g. \"2024-01-31\""),
        .init(
            source: "orders.count + 7d > 1", position: 0,
            message: "a duration can only be added to or subtracted from a time, not number attribute 'orders.count'"),
        .init(
            source: "orders.count > 7d", position: 15,
            message: "unexpected duration '7d'; a duration follows 'now +', 'now -', a time attribute or 'in last'"),
        .init(
            source: "orders.count > 5 - 2", position: 19, message: "expected a duration such as 7d after '-', found '2'"),
        .init(
            source: "last_order_at < now - 1.5d", position: 22,
            message: "a duration must be a whole number, e.g. 36h rather than 1.5d"),
        .init(
            source: "did \"Order Completed\" in last 7x", position: 31,
            message: "unknown duration unit 'x' in '7x'; use h (hours), d (days), w (weeks) or y (years)"),
        .init(
            source: "did \"X\" in last 0d", position: 16,
            message: "the duration after 'in last' must be longer than zero"),
        .init(
            source: "did Order", position: 4,
            message: "expected an event type in double quotes after 'did', e.g. did \"Order Completed\", found 'Order'"),
        .init(
            source: "did \"Order Completed\" at least 0 times", position: 31,
            message: "expected a whole number of times from 1 to 1000000 after 'at least', found '0'"),
        .init(
            source: "did \"X\" at least 2", position: 18, message: "expected 'times' after 'at least 2', found end of rule"),
        .init(
            source: "did \"Order Completed\" since created_at", position: 28,
            message: "'since' needs a fixed time such as \"2024-01-31\" or now - 30d, found time attribute 'created_at'"),
        .init(
            source: "tags == \"vip\"", position: 0,
            message: "'==' cannot compare list of strings attribute 'tags'; use 'contains' to test a list"),
        .init(
            source: "tags contains 5", position: 14,
            message: "expected a string after 'contains' (or 'any [...]' / 'all [...]'), found '5'"),
        .init(
            source: "orders.count contains \"5\"", position: 0,
            message: "'contains' needs a string or a list of strings on the left, found number attribute 'orders.count'"),
        .init(source: "consent.email < true", position: 14, message: "'<' cannot compare booleans; use '==' or '!='"),
        .init(source: "email is null", position: 9, message: "expected 'set' or 'not set' after 'is', found 'null'"),
        .init(source: "country not \"US\"", position: 12, message: "expected 'in' after 'not', found '\"US\"'"),
        .init(source: "country = \"US\"", position: 8, message: "unexpected '='; use '==' to test equality"),
        .init(
            source: "email == 'x'", position: 9,
            message: "unexpected character '''; strings are written in straight double quotes, e.g. \"VIP\""),
        .init(source: "orders.total > 1.", position: 17, message: "expected a digit after '.' in a number"),
        .init(
            source: "last_order_at < orders.count", position: 16,
            message: "cannot compare time attribute 'last_order_at' with number attribute 'orders.count'"),
        .init(
            source: "country == now - 1d", position: 11,
            message: "cannot compare string attribute 'country' with time now - 1d"),
        .init(
            source: "rfm.segment == \"Champion\"", position: 15,
            message: "'rfm.segment' is never \"Champion\"; did you mean \"Champions\"? expected one of \"Champions\", "
                + "\"Loyal Customers\", \"Potential Loyalist\", \"New Customers\", \"Promising\", \"Need Attention\", "
                + "\"About To Sleep\", \"Can't Lose Them\", \"At Risk\", \"Hibernating\", \"Lost\""),
        .init(
            source: "churn_risk in [\"low\", \"hgh\"]", position: 22,
            message: "'churn_risk' is never \"hgh\"; did you mean \"high\"? expected one of \"low\", \"medium\", \"high\""),
    ]

    @Test(arguments: cases)
    func rejectsWithPositionAndMessage(_ testCase: SegmentRuleErrorCase) throws {
        let error = try #require(segmentRuleError(testCase.source))
        #expect(error.message == testCase.message)
        #expect(error.position == testCase.position)
    }

    @Test func unknownAttributesSuggestTheClosestName() {
        #expect(segmentRuleError("order.count > 1")?.message == "unknown attribute 'order.count'; did you mean 'orders.count'?")
        #expect(segmentRuleError("order.count > 1")?.position == 0)
        #expect(segmentRuleError("Orders.Count > 1")?.message.hasSuffix("did you mean 'orders.count'?") == true)
        #expect(segmentRuleError("consent_email")?.message.hasSuffix("did you mean 'consent.email'?") == true)
        #expect(segmentRuleError("segment == \"x\"")?.message.hasSuffix("did you mean 'rfm.segment'?") == true)
        #expect(segmentRuleError("orders.count > 1 and xyz > 1")?.message == "unknown attribute 'xyz'")
        #expect(segmentRuleError("orders.count > 1 and xyz > 1")?.position == 21)
    }

    @Test func lineAndColumnAreCountedFromOne() throws {
        let error = try #require(segmentRuleError("consent.email and\n  order.count > 1"))
        #expect(error.position == 20)
        #expect(error.line == 2)
        #expect(error.column == 3)
        #expect(error.description == "line 2, column 3: unknown attribute 'order.count'; did you mean 'orders.count'?")
    }

    @Test func nestingIsLimited() throws {
        let limit = SegmentRuleLimits.maximumDepth
        let deepest = String(repeating: "(", count: limit) + "consent.email" + String(repeating: ")", count: limit)
        #expect(segmentRuleError(deepest) == nil)
        let tooDeep = String(repeating: "(", count: limit + 1) + "consent.email" + String(repeating: ")", count: limit + 1)
        let error = try #require(segmentRuleError(tooDeep))
        #expect(error.position == limit)
        #expect(error.message == "rule is nested too deeply: parentheses and 'not' may nest at most 64 levels")
        let nots = String(repeating: "not ", count: limit + 1) + "consent.email"
        #expect(segmentRuleError(nots)?.position == limit * 4)
    }

    @Test func lengthIsLimited() throws {
        let term = "consent.email or "
        let longest = String(repeating: term, count: 500) + String(repeating: " ", count: 1_489) + "consent.sms"
        #expect(longest.count == SegmentRuleLimits.maximumLength)
        #expect(segmentRuleError(longest) == nil)
        let error = try #require(segmentRuleError(longest + " "))
        #expect(error.position == 10_000)
        #expect(error.message == "rule is too long: the limit is 10000 characters")
        #expect(error.line == 1 && error.column == 10_001)
    }
}
