import Testing

@testable import PatronAnalytics

/// The checked form of `source`, fully parenthesised.
private func shape(_ source: String) throws -> String {
    try SegmentRule.parse(source).condition.description
}

@Suite struct SegmentRuleParserTests {
    @Test func andBindsTighterThanOr() throws {
        #expect(
            try shape("consent.email or consent.sms and orders.count > 1")
                == "(consent.email or (consent.sms and orders.count > 1))")
        #expect(
            try shape("consent.email and consent.sms or orders.count > 1")
                == "((consent.email and consent.sms) or orders.count > 1)")
    }

    @Test func notBindsTighterThanAnd() throws {
        #expect(try shape("not consent.email and consent.sms") == "(not consent.email and consent.sms)")
        #expect(try shape("not orders.count > 1 or consent.sms") == "(not orders.count > 1 or consent.sms)")
        #expect(try shape("not not consent.email") == "not not consent.email")
    }

    @Test func parenthesesOverridePrecedence() throws {
        #expect(
            try shape("(consent.email or consent.sms) and orders.count > 1")
                == "((consent.email or consent.sms) and orders.count > 1)")
        #expect(try shape("not (consent.email and consent.sms)") == "not (consent.email and consent.sms)")
        #expect(try shape("((consent.email))") == "consent.email")
    }

    @Test func chainsOfTheSameOperatorAreFlattened() throws {
        #expect(
            try shape("consent.email and (consent.sms and orders.count > 1) and p_alive > 0.5")
                == "(consent.email and consent.sms and orders.count > 1 and p_alive > 0.5)")
    }

    @Test func keywordsIgnoreCaseButAttributesDoNot() throws {
        #expect(
            try shape("NOT consent.email AND orders.count > 1 Or country IN [\"US\"]")
                == "((not consent.email and orders.count > 1) or country in [\"US\"])")
        #expect(throws: SegmentRuleError.self) { try SegmentRule.parse("Country == \"US\"") }
    }

    @Test func everyComparisonOperatorParses() throws {
        for op in ["==", "!=", "<", "<=", ">", ">="] {
            #expect(try shape("orders.count \(op) 2") == "orders.count \(op) 2")
        }
        #expect(try shape("2 < orders.count") == "2 < orders.count")
        #expect(try shape("orders.total >= orders.average") == "orders.total >= orders.average")
    }

    @Test func numbersMayBeNegativeOrDecimal() throws {
        #expect(try shape("orders.total > -1.5") == "orders.total > -1.5")
        #expect(try shape("p_alive <= 0.25") == "p_alive <= 0.25")
        #expect(try shape("orders.count in [1, -2, 3.5,]") == "orders.count in [1, -2, 3.5]")
    }

    @Test func stringsKeepEscapesAndApostrophes() throws {
        #expect(try shape(#"rfm.segment == "Can't Lose Them""#) == #"rfm.segment == "Can't Lose Them""#)
        #expect(try shape(#"first_name == "a \"quoted\" \\ name""#) == #"first_name == "a \"quoted\" \\ name""#)
        #expect(try shape(#"first_name == "Zoë""#) == #"first_name == "Zoë""#)
    }

    @Test func durationsFoldIntoSecondShifts() throws {
        #expect(try shape("last_order_at < now - 90d") == "last_order_at < now - 7776000s")
        #expect(try shape("next_order_at <= now + 2w") == "next_order_at <= now + 1209600s")
        #expect(try shape("created_at > now - 1y + 12h") == "created_at > now - 31492800s")
        #expect(try shape("last_order_at + 30d > now") == "last_order_at + 2592000s > now")
        #expect(try shape("last_order_at < now") == "last_order_at < now")
    }

    @Test func stringsComparedWithTimesBecomeDates() throws {
        #expect(try shape("created_at >= \"2024-01-01\"") == "created_at >= @1704067200")
        #expect(try shape("\"2024-01-31T12:00:00Z\" > created_at") == "@1706702400 > created_at")
        #expect(try shape("created_at < \"2024-01-01\" + 1d") == "created_at < @1704153600")
        #expect(try shape("email == \"2024-01-01\"") == "email == \"2024-01-01\"")
    }

    @Test func setAndContainsForms() throws {
        #expect(try shape("email is set") == "email is set")
        #expect(try shape("email is not set") == "email is not set")
        #expect(try shape("country not in [\"US\", \"CA\"]") == "country not in [\"US\", \"CA\"]")
        #expect(try shape("tags contains \"vip\"") == "tags contains [\"vip\"]")
        #expect(try shape("tags contains any [\"a\", \"b\"]") == "tags contains any [\"a\", \"b\"]")
        #expect(try shape("tags contains all [\"a\", \"b\"]") == "tags contains all [\"a\", \"b\"]")
        #expect(try shape("email contains \"@example.com\"") == "email contains [\"@example.com\"]")
    }

    @Test func eventForms() throws {
        #expect(try shape("did \"Checkout Started\"") == "did \"Checkout Started\" at least 1 times")
        #expect(
            try shape("did \"Product Viewed\" in last 7d")
                == "did \"Product Viewed\" at least 1 times in last 604800s")
        #expect(
            try shape("did \"Product Viewed\" at least 3 times in last 30d")
                == "did \"Product Viewed\" at least 3 times in last 2592000s")
        #expect(try shape("did \"X\" at least 1 time") == "did \"X\" at least 1 times")
        #expect(try shape("did \"X\" since \"2024-01-01\"") == "did \"X\" at least 1 times since @1704067200")
        #expect(try shape("did \"X\" since now - 2w") == "did \"X\" at least 1 times since now - 1209600s")
        #expect(
            try shape("did \"Product Viewed\" in last 7d and not did \"Order Completed\" in last 7d")
                == "(did \"Product Viewed\" at least 1 times in last 604800s and "
                + "not did \"Order Completed\" at least 1 times in last 604800s)")
    }

    @Test func booleanLiteralsAreConstants() throws {
        #expect(try shape("true") == "true")
        #expect(try shape("consent.email == false") == "consent.email == false")
    }

    @Test func reportsReferencedAttributesAndEventTypes() throws {
        let rule = try SegmentRule.parse(
            """
            rfm.segment in ["At Risk"] and (did "Product Viewed" in last 7d or last_order_at < now - 90d)
              and not did "Order Completed" since "2024-01-01" and tags is set
            """)
        #expect(rule.attributes == ["rfm.segment", "last_order_at", "tags"])
        #expect(rule.eventTypes == ["Product Viewed", "Order Completed"])
        #expect(rule.source.hasPrefix("rfm.segment"))
    }

    /// The examples table in docs/segments.md.
    @Test(arguments: [
        #"rfm.segment in ["At Risk", "Can't Lose Them"] and orders.count >= 2 and last_order_at < now - 90d and consent.email"#,
        #"did "Product Viewed" in last 7d and not did "Order Completed" in last 7d"#,
        #"did "Checkout Started""#,
        #"did "Product Viewed" at least 3 times in last 30d"#,
        #"did "Order Completed" since "2024-01-01""#,
        #"tags contains any ["vip", "wholesale"]"#,
        #"country not in ["US", "CA"]"#,
        #"churn_risk == "high" and not consent.email"#,
        #"first_order_at <= created_at + 7d"#,
        #"email is set"#,
        #"predicted_clv >= 500 and p_alive > 0.5"#,
        #"not did "Order Completed" at least 2 times in last 90d"#,
        #"last_order_at < "2024-01-01" or created_at > "2024-01-01" + 7d or next_order_at < now + 2w"#,
    ])
    func documentedExamplesParse(_ source: String) throws {
        _ = try SegmentRule.parse(source)
    }

    @Test func whitespaceAndNewlinesAreFree() throws {
        #expect(try shape("\n\torders.count>=2 and(consent.email)\n") == "(orders.count >= 2 and consent.email)")
    }

    @Test func dateLiteralsFollowTheCalendar() {
        #expect(SegmentDate.parse("1970-01-01") == 0)
        #expect(SegmentDate.parse("1969-12-31") == -86_400)
        #expect(SegmentDate.parse("2000-02-29") == 951_782_400)
        #expect(SegmentDate.parse("2024-06-01") == 1_717_200_000)
        #expect(SegmentDate.parse("2024-01-31 12:00") == 1_706_702_400)
        #expect(SegmentDate.parse("2024-01-31T12:00:00") == 1_706_702_400)
        #expect(SegmentDate.parse("2100-02-29") == nil)
        #expect(SegmentDate.parse("2024-04-31") == nil)
        #expect(SegmentDate.parse("2024-01-31T24:00:00Z") == nil)
        #expect(SegmentDate.parse("2024-1-31") == nil)
        #expect(SegmentDate.parse("Z") == nil)
    }
}
