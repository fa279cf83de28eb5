import Foundation
import HTTPTypes
import HummingbirdTesting
import PatronCore
import PatronEngine
import PatronStore
import Testing

/// A kitchen-and-pantry store: knives sell with sharpeners (8 orders) or boards (4), a second knife and a
/// "hidden" board sell with the knife too; tea drinkers re-buy tea every 30 days with a mug, and a
/// sold-out mug sells with tea.
enum RecommendationFixture {
    static func product(_ id: String, category: String, type: String, stock: Int = 5, price: Int = 1_000) -> String {
        """
        {"externalId": "\(id)", "title": "\(id.capitalized)", "category": "\(category)", "productType": "\(type)",
         "url": "https://shop.test/products/\(id)", "imageUrl": "https://shop.test/img/\(id).jpg", "status": "active",
         "currency": "EUR",
         "variants": [{"externalId": "\(id)-v", "price": \(price), "stock": \(stock)}]}
        """
    }

    static func order(
        _ id: String, customer: String, daysAgo: Double, products: [String], now: Date, consent: Bool = true
    ) -> String {
        let lines = products.map { #"{"title": "\#($0)", "quantity": 1, "unitPrice": 1000, "productExternalId": "\#($0)"}"# }
        let consentJSON = consent ? #", "consent": {"email": {"state": "subscribed", "source": "checkout"}}"# : ""
        return """
            {"externalId": "\(id)", "number": "#\(id)", "customer": {"externalId": "\(customer)",
             "email": "\(customer)@example.com", "firstName": "Sam"\(consentJSON)}, "currency": "EUR",
             "placedAt": "\(Timestamp.format(now.addingTimeInterval(-daysAgo * 86_400)))", "lineItems": [\(lines.joined(separator: ","))]}
            """
    }

    static func populate(_ patron: PatronTestHarness, now: Date = Date(), refresh: Bool = true) async throws {
        let products = [
            product("knife", category: "Kitchen", type: "Knife", price: 4_000),
            product("knife-pro", category: "Kitchen", type: "Knife", price: 9_000),
            product("sharpener", category: "Kitchen", type: "Sharpener"),
            product("board", category: "Kitchen", type: "Board"),
            product("hidden", category: "Kitchen", type: "Board"),
            product("tea", category: "Pantry", type: "Tea", price: 800),
            product("mug", category: "Pantry", type: "Mug"),
            product("soldout", category: "Pantry", type: "Mug", stock: 0),
        ]
        let productResponse = try await patron.api(
            .post, "/api/v1/products/batch", json: #"{"items": ["# + products.joined(separator: ",") + "]}")
        #expect(productResponse.status == .ok, "\(productResponse.bodyText)")
        #expect(try productResponse.json()["accepted"] == .int(Int64(products.count)), "\(productResponse.bodyText)")
        var orders: [String] = []
        for n in 1...12 {
            var items = ["knife", n <= 8 ? "sharpener" : "board"]
            if n <= 3 { items.append("knife-pro") }
            if n <= 6 { items.append("hidden") }
            orders.append(order("k\(n)", customer: "k\(n)", daysAgo: Double(20 + n), products: items, now: now, consent: n != 12))
        }
        for n in 1...6 {
            for visit in 0..<3 {
                let items = visit == 0 ? ["tea", "mug", "soldout"] : ["tea", "soldout"]
                orders.append(
                    order("t\(n)-\(visit)", customer: "t\(n)", daysAgo: Double(95 - visit * 30 - n), products: items, now: now))
            }
        }
        let orderResponse = try await patron.api(
            .post, "/api/v1/orders/batch", json: #"{"items": ["# + orders.joined(separator: ",") + "]}")
        #expect(orderResponse.status == .ok, "\(orderResponse.bodyText)")
        if refresh { try await Self.refresh(patron) }
    }

    static func refresh(_ patron: PatronTestHarness) async throws {
        let refresh = try await patron.api(.post, "/api/v1/analytics/refresh")
        #expect(refresh.status == .ok, "\(refresh.bodyText)")
    }

    static func products(_ response: TestResponse) throws -> [String] {
        try response.json()["data"]?.arrayValue?.compactMap { $0["product"]?.stringValue } ?? []
    }
}

@Suite("Recommendations API: product, category and customer lists, exclusions, messages")
struct RecommendationAPITests {
    @Test("product lists: bought together with counts, complements of another kind first, similar items of the same kind")
    func productLists() async throws {
        try await withPatron { patron in
            try await RecommendationFixture.populate(patron, refresh: false)
            let before = try await patron.api(.get, "/api/v1/recommendations/products/knife")
            #expect(before.status == .ok, "a catalog product before any refresh has an empty list: \(before.bodyText)")
            #expect(try before.json()["data"]?.arrayValue?.isEmpty == true)
            try await RecommendationFixture.refresh(patron)

            let together = try await patron.api(.get, "/api/v1/recommendations/products/knife?kind=together&limit=3")
            #expect(together.status == .ok, "\(together.bodyText)")
            let first = try #require(together.json()["data"]?.arrayValue?.first)
            #expect(first["product"] == "sharpener")
            #expect(first["reason"]?["code"] == "bought_together" && first["reason"]?["product"] == "knife")
            #expect(first["reason"]?["text"] == "Bought together with Knife in 8 orders")
            #expect(first["url"] == "https://shop.test/products/sharpener" && first["price"] == .int(1_000))
            #expect(first["imageUrl"] == "https://shop.test/img/sharpener.jpg")
            #expect(try together.json()["modelBuiltAt"]?.stringValue != nil)

            let related = try RecommendationFixture.products(
                try await patron.api(.get, "/api/v1/recommendations/products/knife?kind=related&limit=4"))
            #expect(related.prefix(3).sorted() == ["board", "hidden", "sharpener"], "\(related)")
            #expect(!related.contains("knife"))

            let similar = try await patron.api(.get, "/api/v1/recommendations/products/knife?kind=similar&limit=2")
            let similarFirst = try #require(similar.json()["data"]?.arrayValue?.first)
            #expect(similarFirst["product"] == "knife-pro" && similarFirst["reason"]?["code"] == "similar")

            let popular = try RecommendationFixture.products(
                try await patron.api(.get, "/api/v1/recommendations/popular?category=Pantry"))
            #expect(popular == ["tea", "mug"], "the sold-out mug is left out: \(popular)")
            let teaTogether = try RecommendationFixture.products(
                try await patron.api(.get, "/api/v1/recommendations/products/tea"))
            #expect(!teaTogether.contains("soldout"))

            // A product added after the refresh: nothing bought with it yet, its category's best-sellers as related.
            let spoon = RecommendationFixture.product("spoon", category: "Kitchen", type: "Spoon")
            #expect(try await patron.api(.post, "/api/v1/products", json: spoon).status == .created)
            let spoonTogether = try await patron.api(.get, "/api/v1/recommendations/products/spoon")
            #expect(spoonTogether.status == .ok)
            #expect(try RecommendationFixture.products(spoonTogether).isEmpty)
            let spoonRelated = try RecommendationFixture.products(
                try await patron.api(.get, "/api/v1/recommendations/products/spoon?kind=related&limit=3"))
            #expect(spoonRelated.first == "knife", "Kitchen's best-seller: \(spoonRelated)")
            #expect(!spoonRelated.contains("tea"))
        }
    }

    @Test("exclusions, keys, tenancy and bad input")
    func exclusionsAndErrors() async throws {
        try await withPatron { patron in
            try await RecommendationFixture.populate(patron)
            let path = "/api/v1/recommendations/products/knife?kind=together&limit=10"
            #expect(try RecommendationFixture.products(try await patron.api(.get, path)).contains("hidden"))
            let excluded = try await patron.api(.put, "/api/v1/recommendations/exclusions/hidden")
            #expect(excluded.status == .created, "\(excluded.bodyText)")
            #expect(try await patron.api(.put, "/api/v1/recommendations/exclusions/hidden").status == .ok)
            #expect(!(try RecommendationFixture.products(try await patron.api(.get, path)).contains("hidden")))
            let list = try await patron.list("/api/v1/recommendations/exclusions")
            #expect(list.map { $0["product"] } == ["hidden"])
            #expect(try await patron.api(.delete, "/api/v1/recommendations/exclusions/hidden").status == .ok)
            #expect(try await patron.api(.delete, "/api/v1/recommendations/exclusions/hidden").status == .notFound)
            #expect(try RecommendationFixture.products(try await patron.api(.get, path)).contains("hidden"))

            var storefront = HTTPFields()
            storefront[.authorization] = "Bearer \(patron.storeA.writeKey)"
            #expect(try await patron.send(.get, path, headers: storefront).status == .ok)
            #expect(try await patron.send(.get, "/api/v1/recommendations/popular", headers: storefront).status == .ok)
            let customer = try #require(try await patron.customer(externalId: "t1")?["id"]?.intValue)
            let personal = "/api/v1/recommendations/customers/\(customer)"
            #expect(try await patron.send(.get, personal, headers: storefront).status == .unauthorized)
            #expect(try await patron.api(.get, personal, as: patron.storeB).status == .notFound)
            #expect(try await patron.api(.get, path, as: patron.storeB).status == .notFound)

            let badKind = try await patron.api(.get, "/api/v1/recommendations/products/knife?kind=cheapest")
            #expect(badKind.status == .unprocessableContent)
            #expect(try badKind.json()["errors"]?.arrayValue?.first?["field"] == "kind")
            let badLimit = try await patron.api(.get, "/api/v1/recommendations/popular?limit=500")
            #expect(try badLimit.json()["errors"]?.arrayValue?.first?["field"] == "limit")
            #expect(try await patron.api(.get, "/api/v1/recommendations/products/nope").status == .notFound)
            #expect(try await patron.api(.get, "/api/v1/recommendations/customers/999999").status == .notFound)
            #expect(try await patron.api(.get, "/api/v1/recommendations/orders/999999").status == .notFound)
        }
    }

    @Test("a customer's list: their staple with its rhythm, what goes with it, nothing already on its way")
    func customerList() async throws {
        try await withPatron { patron in
            let now = Date()
            try await RecommendationFixture.populate(patron, now: now)
            let customer = try #require(try await patron.customer(externalId: "t1")?["id"]?.intValue)
            let response = try await patron.api(.get, "/api/v1/recommendations/customers/\(customer)?limit=3")
            #expect(response.status == .ok, "\(response.bodyText)")
            let body = try response.json()
            let first = try #require(body["data"]?.arrayValue?.first)
            #expect(first["product"] == "tea")
            #expect(first["reason"]?["code"] == "buys_again")
            #expect(first["reason"]?["text"] == "You buy this every ~30 days")
            let due = try #require(body["replenishment"]?.arrayValue?.first { $0["product"] == "tea" })
            #expect(due["intervalDays"] == .int(30) && due["basis"] == "customer")
            // t1's last tea was 96 - 60 = 35 days ago: due 5 days ago.
            let dueAt = try #require(due["dueAt"]?.stringValue.flatMap(Timestamp.parse))
            #expect(abs(dueAt.timeIntervalSince(now.addingTimeInterval(-5 * 86_400))) < 86_400)
            let products = try RecommendationFixture.products(response)
            #expect(!products.contains("soldout"))
            #expect(products.contains("mug"), "\(products)")

            // A new order with tea: tea is on its way, so it leaves the list until delivered.
            let order = RecommendationFixture.order("t1-new", customer: "t1", daysAgo: 0, products: ["tea"], now: now)
            #expect(try await patron.api(.post, "/api/v1/orders", json: order).status == .created)
            let after = try RecommendationFixture.products(
                try await patron.api(.get, "/api/v1/recommendations/customers/\(customer)?limit=3"))
            #expect(!after.contains("tea"), "\(after)")
            let shipment =
                #"{"externalId": "s-t1", "orderExternalId": "t1-new", "status": "delivered", "events": [{"status": "delivered", "occurredAt": "\#(Timestamp.format(now))"}]}"#
            #expect(try await patron.api(.post, "/api/v1/shipments", json: shipment).status == .created)
            let delivered = try RecommendationFixture.products(
                try await patron.api(.get, "/api/v1/recommendations/customers/\(customer)?limit=3"))
            #expect(delivered.first == "tea", "\(delivered)")

            let fresh = #"{"externalId": "nobody", "email": "nobody@example.com"}"#
            let created = try await patron.api(.post, "/api/v1/customers", json: fresh)
            let newcomer = try #require(try created.json()["id"]?.intValue)
            let popular = try RecommendationFixture.products(
                try await patron.api(.get, "/api/v1/recommendations/customers/\(newcomer)?limit=2"))
            #expect(popular.count == 2, "a customer with no history gets best-sellers")
        }
    }

    @Test("the thank-you email shows complements to customers who accept marketing, and the cross-sell flow is built in")
    func messages() async throws {
        try await withPatron { patron in
            try await RecommendationFixture.populate(patron)
            try await MessagingAPITests.configureSender(patron)
            let orderId = try #require(try await patron.list("/api/v1/orders?externalId=k1").first?["id"]?.intValue)
            let listing = try await patron.api(.get, "/api/v1/recommendations/orders/\(orderId)?limit=3")
            let complements = try RecommendationFixture.products(listing)
            #expect(!complements.isEmpty && !complements.contains("knife") && !complements.contains("sharpener"))

            let k1 = try #require(try await patron.customer(externalId: "k1")?["id"]?.intValue)
            let preview = try await patron.api(.get, "/api/v1/flows/order-thank-you/preview?customer=\(k1)")
            #expect(preview.status == .ok, "\(preview.bodyText)")
            let html = try preview.json()["html"]?.stringValue ?? ""
            #expect(html.contains("Goes well with your order"))
            #expect(html.contains(try #require(listing.json()["data"]?.arrayValue?.first?["title"]?.stringValue)))
            #expect(try preview.json()["text"]?.stringValue?.contains("Goes well with your order") == true)
            let k12 = try #require(try await patron.customer(externalId: "k12")?["id"]?.intValue)
            let receiptOnly = try await patron.api(.get, "/api/v1/flows/order-thank-you/preview?customer=\(k12)")
            #expect(try receiptOnly.json()["html"]?.stringValue?.contains("Goes well with your order") == false)

            let flows = try await patron.list("/api/v1/flows")
            #expect(flows.contains { $0["name"] == "cross-sell" })
            #expect(try await patron.api(.post, "/api/v1/flows/cross-sell/enable").status == .ok)
        }
    }

    @Test("the replenishment scan starts a run for customers whose staple is due now, by their own rhythm")
    func replenishmentScan() async throws {
        try await withPatron { patron in
            try await RecommendationFixture.populate(patron)
            try await MessagingAPITests.configureSender(patron)
            #expect(try await patron.api(.post, "/api/v1/flows/replenishment/enable").status == .ok)
            let scanner = FlowScanner(
                database: patron.database, services: FlowServices(database: patron.database), clock: { Date() })
            let started = try await scanner.scan(store: patron.storeA.id)
            #expect(try await scanner.scan(store: patron.storeA.id) == 0, "once per customer, product and purchase")
            // Tea buyer n last bought 35 - n days ago and buys every 30 days: due 5 - n days ago. The window is
            // two days ago to tomorrow, so t4 and t5 for sure, t3 and t6 at its edges, never t1 or t2.
            #expect((2...4).contains(started), "\(started)")
            var customers: [Int64] = []
            for id in Int64(1)...Int64(max(started, 1)) {
                let run = try await patron.database.read {
                    try await FlowRunRepository(sql: $0, storeID: patron.storeA.id).find(id: id)
                }
                #expect(run?.flow == "replenishment" && run?.context["productExternalId"] == "tea")
                #expect(run?.context["typicalDays"] == .int(30))
                if let customer = run?.customer { customers.append(customer) }
            }
            for name in ["t4", "t5"] {
                let id = try #require(try await patron.customer(externalId: name)?["id"]?.intValue)
                #expect(customers.contains(id), "\(name) is due")
            }
            for name in ["t1", "t2", "k1"] {
                let id = try #require(try await patron.customer(externalId: name)?["id"]?.intValue)
                #expect(!customers.contains(id), "\(name) is not due")
            }
        }
    }
}
