import Foundation
import HTTPTypes
import HummingbirdTesting
import PatronAnalytics
import PatronCore
import PatronStore
import SQLKit
import Testing

@testable import PatronHTTP

@Suite struct DashboardPagesTests {
    @Test func everyPageRendersTheStoreItsSignedInUserBelongsTo() async throws {
        try await withPatron { patron in
            try await RecommendationFixture.populate(patron)
            try await patron.addUser("ann@example.com")
            let browser = try await patron.signIn(email: "ann@example.com")
            let customer = Int64(try #require(try await patron.customer(externalId: "k1")?["id"]?.doubleValue))
            let sender = try await patron.api(.patch, "/api/v1/settings/sender", json: #"{"fromEmail": "shop@example.com"}"#)
            #expect(sender.status == .ok)
            let pages: [(String, [String])] = [
                ("/app", ["id=\"revenue-chart\"", "<svg", "Revenue from repeat customers", "id=\"flow-revenue\""]),
                ("/app?period=365", ["Revenue per week"]),
                ("/app/customers", ["id=\"customers-table\"", "k1@example.com"]),
                ("/app/customers?sort=revenue", ["Sorted by Revenue"]),
                ("/app/customers?q=k1%40example", ["k1@example.com", "class=\"customer-link\""]),
                ("/app/customers?q=sam+nobody", ["No customers match"]),
                (
                    "/app/customers/\(customer)",
                    ["id=\"timeline\"", "Order #k1 placed", "id=\"recommended\"", "class=\"product-card\""]
                ),
                ("/app/segments", ["id=\"rfm-grid\"", "class=\"heat-", "id=\"rfm-segments\""]),
                ("/app/segments/new", ["id=\"segment-form\"", "id=\"segment-check\""]),
                ("/app/cohorts", ["id=\"cohort-grid\"", "id=\"cohort-revenue\""]),
                ("/app/flows", ["id=\"flows-table\"", "Win-back"]),
                ("/app/flows/order-thank-you", ["class=\"flow-diagram\"", "id=\"flow-toggle-button\"", "id=\"definition\""]),
                ("/app/flows/order-thank-you/preview", ["Sam"]),
                ("/app/campaigns", ["No campaigns yet"]), ("/app/messages", ["No messages yet"]),
                ("/app/settings", ["id=\"keys-table\"", "/webhooks/shopify/\(patron.storeA.id)"]),
            ]
            for (uri, needles) in pages {
                let response = try await patron.send(.get, uri, headers: browser.headers)
                #expect(response.status == .ok, "\(uri): \(response.bodyText.prefix(300))")
                for needle in needles { #expect(response.bodyText.contains(needle), "\(uri) lacks \(needle)") }
                #expect(!response.bodyText.contains("Store B"), "\(uri)")
            }
            let missing = try await patron.send(.get, "/app/customers/999999", headers: browser.headers)
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType]?.hasPrefix("text/html") == true)
            let badPeriod = try await patron.send(.get, "/app?period=12", headers: browser.headers)
            #expect(badPeriod.status == .unprocessableContent)
            #expect(badPeriod.bodyText.contains("expected 7, 30, 90 or 365"))
        }
    }

    @Test func theCustomerListPagesThroughEveryCustomerOnceInSortOrder() async throws {
        try await withPatron { patron in
            try await RecommendationFixture.populate(patron)
            let store = patron.storeA.id
            let expected = try await patron.database.read { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM customer_metrics WHERE store_id = \(bind: store)").first()?.int("n")
            }
            for sort in [CustomerList.Sort.revenue, .lastOrder, .orders, .newest] {
                var seen: [Int64] = []
                var values: [Int64] = []
                var cursor: String?
                repeat {
                    let (ids, next) = try await patron.database.read { sql in
                        try await CustomerList(sql: sql, store: store, pageSize: 4).page(sort: sort, filter: .none, after: cursor)
                    }
                    #expect(ids.count <= 4)
                    seen += ids
                    if sort == .revenue {
                        values += try await patron.database.read { sql in
                            try await CustomerList(sql: sql, store: store).rows(ids).compactMap(\.revenue)
                        }
                    }
                    cursor = next
                } while cursor != nil
                #expect(Set(seen).count == seen.count, "\(sort): a customer appeared twice")
                if sort != .newest { #expect(Int64(seen.count) == expected, "\(sort)") }
                if sort == .revenue { #expect(values == values.sorted(by: >)) }
            }
            let search = try await patron.database.read { sql in
                (
                    try await CustomerList(sql: sql, store: store).search("T1@EXAMPLE", filter: .none),
                    try await CustomerList(sql: sql, store: store).search("sam", filter: .none),
                    try await CustomerList(sql: sql, store: store).search("k3", filter: .none)
                )
            }
            let t1 = try #require(try await patron.customer(externalId: "t1")?["id"]?.doubleValue).rounded()
            #expect(search.0 == [Int64(t1)])
            #expect(search.1.count == 18, "every fixture customer is called Sam")
            #expect(search.2.count == 1)
        }
    }

    @Test func flowPagesShowRunsCountedByTheLastRefresh() async throws {
        try await withPatron { patron in
            try await RecommendationFixture.populate(patron, refresh: false)
            _ = try await patron.api(.patch, "/api/v1/settings/sender", json: #"{"fromEmail": "shop@example.com"}"#)
            let enabled = try await patron.api(.post, "/api/v1/flows/order-thank-you/enable")
            #expect(enabled.status == .ok, "\(enabled.bodyText)")
            let order = RecommendationFixture.order("new-1", customer: "k1", daysAgo: 0, products: ["tea"], now: Date())
            let placed = try await patron.api(.post, "/api/v1/orders", json: order)
            #expect(placed.status.code < 300, "\(placed.bodyText)")
            try await patron.addUser("ann@example.com")
            let browser = try await patron.signIn(email: "ann@example.com")
            let before = try await patron.send(.get, "/app/flows/order-thank-you", headers: browser.headers)
            #expect(before.bodyText.contains("Counts appear after the next analytics refresh"))
            try await RecommendationFixture.refresh(patron)
            let after = try await patron.send(.get, "/app/flows/order-thank-you", headers: browser.headers)
            #expect(after.bodyText.contains("1 runs started"), "\(after.bodyText)")
            #expect(after.bodyText.contains("entered 1"))
            let list = try await patron.send(.get, "/app/flows", headers: browser.headers)
            #expect(list.bodyText.contains("as of the analytics refresh"))
        }
    }

    @Test func theMessageLogFiltersByChannelStatusAndReasonAndShowsWhatTheShopperDid() async throws {
        try await withPatron { patron in
            let store = patron.storeA.id
            var ids: [String: Int64] = [:]
            for (key, channel) in [("mail", "email"), ("text", "sms"), ("capped", "email")] {
                let message = NewMessage(
                    store: store, customer: nil, flow: "win-back", template: "win-back", channel: channel, purpose: "marketing",
                    context: [:], dedupeKey: key, messageId: "patron.\(key)", sendAt: 1_714_566_600_000)
                ids[key] = try await patron.database.write {
                    try await MessageOutbox.enqueue(message, now: 1_714_566_600_000, in: $0)
                }
            }
            try await patron.database.write(store: store) { sql in
                try await sql.raw(
                    "UPDATE messages SET status = 'sent', sent_at = 1714566700000, opened_at = 1714567000000 WHERE dedupe_key = 'mail'"
                ).run()
                try await sql.raw(
                    "UPDATE messages SET status = 'suppressed', reason = 'frequency_cap' WHERE dedupe_key = 'capped'"
                )
                .run()
            }
            try await patron.addUser("ann@example.com")
            let browser = try await patron.signIn(email: "ann@example.com")
            func shown(_ uri: String) async throws -> Set<String> {
                let page = try await patron.send(.get, uri, headers: browser.headers)
                #expect(page.status == .ok, "\(uri): \(page.bodyText.prefix(300))")
                return Set(ids.filter { page.bodyText.contains("href=\"/app/messages/\($0.value)\"") }.map(\.key))
            }
            #expect(try await shown("/app/messages") == ["mail", "text", "capped"])
            #expect(try await shown("/app/messages?channel=sms") == ["text"])
            #expect(try await shown("/app/messages?channel=email&status=sent") == ["mail"])
            #expect(try await shown("/app/messages?reason=frequency_cap") == ["capped"])
            let all = try await patron.send(.get, "/app/messages", headers: browser.headers).bodyText
            #expect(all.contains("<td>opened</td>") && all.contains("<option selected>") == false)
            #expect(all.contains("<option>frequency_cap</option>"), "the reasons the store's messages have are choices")
            let message = try await patron.send(.get, "/app/messages/\(try #require(ids["mail"]))", headers: browser.headers)
            #expect(message.bodyText.contains("<dt>Opened</dt>") && !message.bodyText.contains("<dt>Clicked</dt>"))
            let refused = try await patron.send(.get, "/app/messages?channel=fax", headers: browser.headers)
            #expect(refused.status == .unprocessableContent && refused.bodyText.contains("expected one of email, sms"))
        }
    }

    @Test func theEditorsExamplesAreValidRules() throws {
        for rule in DashboardController.ruleExamples {
            #expect(throws: Never.self, "\(rule)") { try SegmentRule.parse(rule) }
        }
    }

    @Test func theLiveRuleCheckCountsMembersOrNamesTheProblem() async throws {
        try await withPatron { patron in
            try await RecommendationFixture.populate(patron)
            try await patron.addUser("ann@example.com")
            let browser = try await patron.signIn(email: "ann@example.com")
            func check(_ rule: String) async throws -> JSONValue {
                var headers = browser.headers
                headers[.contentType] = "application/json"
                headers[HTTPField.Name("X-CSRF-Token")!] = browser.csrf
                let body = JSONValue.object(["rule": .string(rule)]).serialized()
                let response = try await patron.send(.post, "/app/segments/check", headers: headers, body: Array(body.utf8))
                #expect(response.status == .ok)
                return try response.json()
            }
            #expect(try await check("orders.count >= 3") == ["valid": true, "count": 6])
            let broken = try await check("orders.count >=")
            #expect(broken["valid"] == false)
            #expect(broken["errors"]?[0]?["field"] == "rule")
            var headers = browser.headers
            headers[.contentType] = "application/json"
            let unsigned = try await patron.send(
                .post, "/app/segments/check", headers: headers, body: Array(#"{"rule": "orders.count >= 1"}"#.utf8))
            #expect(unsigned.status == .forbidden)
        }
    }
}
