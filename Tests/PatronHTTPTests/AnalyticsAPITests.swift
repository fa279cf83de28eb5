import Foundation
import HTTPTypes
import HummingbirdTesting
import PatronCore
import PatronStore
import Testing

/// A store with 30 buyers: buyer i places (i % 4) + 1 orders of 10 + i dollars, 20 days apart, the last
/// one i days before now. Buyers 0, 4, 8, ... buy once; 3, 7, 11, ... buy four times.
enum AnalyticsFixture {
    static let buyers = 30

    static func orderCount(_ buyer: Int) -> Int { buyer % 4 + 1 }

    static func ordersBody(now: Date = Date()) -> String {
        var items: [String] = []
        for buyer in 0..<buyers {
            for order in 0..<orderCount(buyer) {
                let daysAgo = Double(buyer + 20 * order) + 0.5
                let placedAt = Timestamp.format(now.addingTimeInterval(-daysAgo * 86_400))
                items.append(
                    """
                    {"externalId": "o-\(buyer)-\(order)", "customerExternalId": "buyer-\(buyer)", "currency": "USD",
                     "placedAt": "\(placedAt)", "lineItems": [{"title": "Tea", "quantity": 1, "unitPrice": \((10 + buyer) * 100)}]}
                    """)
            }
        }
        return #"{"items": ["# + items.joined(separator: ",") + "]}"
    }

    static func populate(_ patron: PatronTestHarness) async throws {
        let response = try await patron.api(.post, "/api/v1/orders/batch", json: ordersBody())
        #expect(response.status == .ok, "\(response.bodyText)")
    }

    static var expectedOrders: Int { (0..<buyers).map(orderCount).reduce(0, +) }

    static var expectedRevenue: Double {
        (0..<buyers).map { Double(orderCount($0) * (10 + $0)) }.reduce(0, +)
    }
}

@Suite("Analytics API: refresh, KPIs, RFM, cohorts, predictions")
struct AnalyticsAPITests {
    @Test("before any refresh the analytics endpoints say how to compute them")
    func notYetComputed() async throws {
        try await withPatron { patron in
            let response = try await patron.api(.get, "/api/v1/analytics/kpis")
            #expect(response.status == .notFound)
            #expect(try response.json()["detail"]?.stringValue?.contains("POST /api/v1/analytics/refresh") == true)
        }
    }

    @Test("a refresh computes KPIs, the RFM grid, cohorts, models and each buyer's predictions")
    func refreshAndRead() async throws {
        try await withPatron { patron in
            try await AnalyticsFixture.populate(patron)
            let refresh = try await patron.api(.post, "/api/v1/analytics/refresh")
            #expect(refresh.status == .ok, "\(refresh.bodyText)")
            let outcome = try refresh.json()
            #expect(outcome["customers"]?.intValue == Int64(AnalyticsFixture.buyers))
            #expect(outcome["orders"]?.intValue == Int64(AnalyticsFixture.expectedOrders))

            let kpis = try await patron.api(.get, "/api/v1/analytics/kpis").json()
            #expect(kpis["currency"]?.stringValue == "USD")
            #expect(kpis["kpis"]?["orders"]?.intValue == Int64(AnalyticsFixture.expectedOrders))
            let revenue = kpis["kpis"]?["revenue"]
            #expect(
                revenue == .double(AnalyticsFixture.expectedRevenue) || revenue == .int(Int64(AnalyticsFixture.expectedRevenue)))
            // 22 of the 30 buyers have two orders or more.
            #expect(kpis["kpis"]?["repeat_purchase_rate"] == .double(22.0 / 30))

            #expect(kpis["periods"]?.arrayValue?.compactMap { $0["days"]?.intValue } == [7, 30, 90, 365])
            let year = try await patron.api(.get, "/api/v1/analytics/kpis?period=365").json()
            #expect(year["periodDays"]?.intValue == 365)
            #expect(year["kpis"]?["orders"]?.intValue == Int64(AnalyticsFixture.expectedOrders))
            #expect(year["previous"]?["orders"]?.intValue == 0)
            let badPeriod = try await patron.api(.get, "/api/v1/analytics/kpis?period=14")
            #expect(badPeriod.status == .unprocessableContent)
            #expect(try badPeriod.problemFields() == ["period"])

            let rfm = try await patron.api(.get, "/api/v1/analytics/rfm").json()
            let cells = rfm["cells"]?.arrayValue ?? []
            #expect(cells.count == 25)
            #expect(cells.compactMap { $0["customers"]?.intValue }.reduce(0, +) == Int64(AnalyticsFixture.buyers))
            let segments = rfm["segments"]?.arrayValue ?? []
            #expect(segments.count == 11)
            #expect(segments.compactMap { $0["customers"]?.intValue }.reduce(0, +) == Int64(AnalyticsFixture.buyers))

            let models = try await patron.api(.get, "/api/v1/analytics/models").json()
            #expect(models["models"]?["purchases"]?["time_unit"]?.stringValue == "days")
            #expect(models["models"]?["purchases"]?["parameters"]?["r"] != nil)

            let cohorts = try await patron.api(.get, "/api/v1/analytics/cohorts").json()
            let cohortSizes = cohorts["cohorts"]?.arrayValue?.compactMap { $0["customers"]?.intValue } ?? []
            #expect(cohortSizes.reduce(0, +) == Int64(AnalyticsFixture.buyers))

            let loyal = try #require(try await patron.customer(externalId: "buyer-3")?["id"]?.intValue)
            let predictions = try await patron.api(.get, "/api/v1/customers/\(loyal)/predictions")
            #expect(predictions.status == .ok)
            let document = try predictions.json()
            #expect(document["orders"]?.intValue == 4)
            #expect(document["revenue"]?.intValue == Int64(4 * 1_300))
            #expect(document["currency"]?.stringValue == "USD")
            #expect(document["rfm"]?["segment"]?.stringValue != nil)
            if case .double(let alive) = document["probabilityAlive"] { #expect(alive > 0 && alive <= 1) }
            #expect(["low", "medium", "high"].contains(document["churnBand"]?.stringValue ?? ""))

            let missing = try await patron.api(.get, "/api/v1/customers/999999/predictions")
            #expect(missing.status == .notFound)
        }
    }

    @Test("another store's key sees none of this store's analytics")
    func tenancy() async throws {
        try await withPatron { patron in
            try await AnalyticsFixture.populate(patron)
            #expect(try await patron.api(.post, "/api/v1/analytics/refresh").status == .ok)
            #expect(try await patron.api(.get, "/api/v1/analytics/kpis", as: patron.storeB).status == .notFound)
            let customer = try #require(try await patron.customer(externalId: "buyer-3")?["id"]?.intValue)
            let predictions = try await patron.api(.get, "/api/v1/customers/\(customer)/predictions", as: patron.storeB)
            #expect(predictions.status == .notFound)
        }
    }
}

@Suite("Segments API: rules, preview, membership and its events")
struct SegmentsAPITests {
    @Test("a rule with an error is rejected with its position and what was expected")
    func invalidRule() async throws {
        try await withPatron { patron in
            let response = try await patron.api(
                .post, "/api/v1/segments", json: #"{"name": "Broken", "rule": "orders.count >= \"two\""}"#)
            #expect(response.status == .unprocessableContent)
            let problem = try response.json()
            #expect(try response.problemFields() == ["rule"])
            #expect(problem["position"]?.intValue == 16)
            let message = problem["errors"]?[0]?["message"]?.stringValue ?? ""
            #expect(message.contains("orders.count"), "\(message)")

            let unknown = try await patron.api(.post, "/api/v1/segments/preview", json: #"{"rule": "order.count > 1"}"#)
            #expect(unknown.status == .unprocessableContent)
            #expect(try unknown.json()["errors"]?[0]?["message"]?.stringValue?.contains("orders.count") == true)

            let missing = try await patron.api(.post, "/api/v1/segments", json: #"{"rule": "orders.count > 1"}"#)
            #expect(try missing.problemFields() == ["name"])
        }
    }

    @Test("preview counts, segments list, refresh records who entered and who left")
    func lifecycle() async throws {
        try await withPatron { patron in
            try await AnalyticsFixture.populate(patron)
            #expect(try await patron.api(.post, "/api/v1/analytics/refresh").status == .ok)

            let preview = try await patron.api(
                .post, "/api/v1/segments/preview", json: #"{"rule": "orders.count >= 3", "sample": 2}"#)
            #expect(preview.status == .ok, "\(preview.bodyText)")
            // Buyers with i % 4 in {2, 3}: 2, 3, 6, 7, ..., 26, 27 (and 30 is out of range): 14 of them.
            #expect(try preview.json()["count"]?.intValue == 14)
            #expect(try preview.json()["sample"]?.arrayValue?.count == 2)

            let created = try await patron.api(
                .post, "/api/v1/segments",
                json: #"{"name": "Regulars", "rule": "orders.count >= 3", "description": "three orders or more"}"#)
            #expect(created.status == .created, "\(created.bodyText)")
            let id = try #require(try created.json()["id"]?.intValue)
            let duplicate = try await patron.api(.post, "/api/v1/segments", json: #"{"name": "Regulars", "rule": "true"}"#)
            #expect(duplicate.status == .conflict)
            #expect(try duplicate.problemFields() == ["name"])
            var headers = HTTPFields()
            headers[PatronTestHarness.idempotencyKey] = "segment-create-1"
            let body = #"{"name": "Big spenders", "rule": "orders.total > 100"}"#
            let first = try await patron.api(.post, "/api/v1/segments", json: body, headers: headers)
            let replay = try await patron.api(.post, "/api/v1/segments", json: body, headers: headers)
            #expect(first.status == .created && replay.status == .created)
            #expect(replay.headers[PatronTestHarness.idempotentReplayed] == "true")
            #expect(try first.json()["id"] == replay.json()["id"])
            let bigSpenders = try #require(try first.json()["id"]?.intValue)
            #expect(try await patron.api(.delete, "/api/v1/segments/\(bigSpenders)").status == .ok)
            #expect(try await patron.list("/api/v1/segments").count == 1)

            let refresh = try await patron.api(.post, "/api/v1/analytics/refresh")
            #expect(try refresh.json()["segments"]?[0]?["entered"]?.intValue == 14)
            let segment = try await patron.api(.get, "/api/v1/segments/\(id)").json()
            #expect(segment["memberCount"]?.intValue == 14)
            let members = try await patron.list("/api/v1/segments/\(id)/members?limit=200")
            let memberIds = members.compactMap { $0["externalId"]?.stringValue }
            #expect(memberIds.contains("buyer-27"))
            #expect(members.count == 14)

            let regular = try #require(try await patron.customer(externalId: "buyer-27")?["id"]?.intValue)
            let entered = try await patron.events(customerId: regular).filter { $0["type"]?.stringValue == "Segment Entered" }
            #expect(entered.count == 1)

            // A refresh with nothing changed records nothing new.
            let again = try await patron.api(.post, "/api/v1/analytics/refresh").json()
            #expect(again["segments"]?[0]?["entered"]?.intValue == 0)
            #expect(again["segments"]?[0]?["exited"]?.intValue == 0)

            // Narrow the rule: the three-order buyers leave.
            let patched = try await patron.api(.patch, "/api/v1/segments/\(id)", json: #"{"rule": "orders.count >= 4"}"#)
            #expect(patched.status == .ok, "\(patched.bodyText)")
            let narrowed = try await patron.api(.post, "/api/v1/analytics/refresh").json()
            #expect(narrowed["segments"]?[0]?["exited"]?.intValue == 7)
            let threeOrders = try #require(try await patron.customer(externalId: "buyer-2")?["id"]?.intValue)
            let exited = try await patron.events(customerId: threeOrders).filter { $0["type"]?.stringValue == "Segment Exited" }
            #expect(exited.count == 1)

            #expect(try await patron.api(.get, "/api/v1/segments/\(id)", as: patron.storeB).status == .notFound)
            #expect(try await patron.api(.delete, "/api/v1/segments/\(id)").status == .ok)
            #expect(try await patron.api(.get, "/api/v1/segments/\(id)").status == .notFound)
        }
    }

    @Test("event conditions in a preview read the store's events, and orders answer \"Order Completed\"")
    func eventRule() async throws {
        try await withPatron { patron in
            try await AnalyticsFixture.populate(patron)
            let now = Timestamp.format(Date().addingTimeInterval(-3_600))
            // buyer-2 last ordered 2.5 days ago, buyer-20 20.5 days ago, buyer-21 viewed nothing.
            let events = """
                {"items": [
                  {"type": "Product Viewed", "customerExternalId": "buyer-2", "messageId": "v2", "occurredAt": "\(now)"},
                  {"type": "Product Viewed", "customerExternalId": "buyer-20", "messageId": "v20", "occurredAt": "\(now)"}
                ]}
                """
            #expect(try await patron.api(.post, "/api/v1/events/batch", json: events).status == .ok)
            let preview = try await patron.api(
                .post, "/api/v1/segments/preview",
                json: #"{"rule": "did \"Product Viewed\" in last 7d and not did \"Order Completed\" in last 7d"}"#)
            #expect(preview.status == .ok, "\(preview.bodyText)")
            #expect(try preview.json()["count"]?.intValue == 1)
            #expect(try preview.json()["sample"]?[0]?["externalId"]?.stringValue == "buyer-20")
            // Four orders: buyers 3, 7, ..., 27 (seven of them).
            let frequent = try await patron.api(
                .post, "/api/v1/segments/preview", json: #"{"rule": "did \"Order Placed\" at least 4 times"}"#)
            #expect(try frequent.json()["count"]?.intValue == 7)
        }
    }
}
