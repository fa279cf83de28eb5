import Foundation
import HTTPTypes
import HummingbirdTesting
import PatronCore
import PatronEngine
import PatronMessaging
import PatronStore
import Testing

@Suite("Flow triggers from products, the calendar and the analytics; send-time guardrails")
struct FlowTriggerTests {
    static func product(price: Int, stock: Int) -> String {
        """
        {"externalId": "kettle", "title": "Gooseneck kettle", "currency": "EUR", "url": "https://shop.example/kettle",
         "variants": [{"externalId": "kettle-black", "title": "Black", "price": \(price), "stock": \(stock)}]}
        """
    }

    @Test func priceDropsAndRestocksReachTheCustomersWhoWishlistedOnceEach() async throws {
        try await withPatron { patron in
            try await MessagingAPITests.configureSender(patron)
            for flow in ["price-drop", "back-in-stock"] {
                #expect(try await patron.api(.post, "/api/v1/flows/\(flow)/enable").status == .ok)
            }
            // Holdouts are off for this test: a document with holdout 0 is saved as the next version.
            for flow in [BuiltInFlows.priceDrop, BuiltInFlows.backInStock] {
                var document = flow
                document.holdout = 0
                #expect(try await patron.api(.put, "/api/v1/flows/\(flow.name)", json: document.json.serialized()).status == .ok)
            }
            #expect(
                try await patron.api(.post, "/api/v1/products", json: Self.product(price: 5_900, stock: 0)).status == .created)
            let wish =
                #"{"type": "Product Added to Wishlist", "customerExternalId": "fan", "messageId": "w1", "properties": {"product_id": "kettle"}}"#
            #expect(try await patron.api(.post, "/api/v1/events", json: wish).status.code < 300)
            let stranger =
                #"{"type": "Product Viewed", "customerExternalId": "other", "messageId": "v1", "properties": {"product_id": "mug"}}"#
            #expect(try await patron.api(.post, "/api/v1/events", json: stranger).status.code < 300)

            #expect(try await patron.api(.post, "/api/v1/products", json: Self.product(price: 4_900, stock: 3)).status.code < 300)
            var messages = try await MessagingAPITests.messages(patron)
            #expect(Set(messages.compactMap { $0["flow"]?.stringValue }) == ["price-drop", "back-in-stock"], "\(messages)")
            #expect(messages.allSatisfy { $0["customerId"] == messages.first?["customerId"] })
            let drop = try #require(messages.first { $0["flow"] == "price-drop" })
            #expect(drop["context"]?["oldPrice"] == .int(5_900) && drop["context"]?["newPrice"] == .int(4_900))

            // The same price again changes nothing; a further drop is news.
            #expect(try await patron.api(.post, "/api/v1/products", json: Self.product(price: 4_900, stock: 3)).status.code < 300)
            #expect(try await MessagingAPITests.messages(patron).count == 2)
            #expect(try await patron.api(.post, "/api/v1/products", json: Self.product(price: 3_900, stock: 3)).status.code < 300)
            messages = try await MessagingAPITests.messages(patron)
            #expect(messages.filter { $0["flow"] == "price-drop" }.count == 2)
        }
    }

    @Test func theScanFindsBirthdaysInTheCustomersOwnTimeZoneOncePerYear() async throws {
        try await withPatron { patron in
            try await MessagingAPITests.configureSender(patron)
            #expect(try await patron.api(.post, "/api/v1/flows/birthday/enable").status == .ok)
            var zone = Calendar(identifier: .gregorian)
            zone.timeZone = TimeZone(identifier: "Pacific/Auckland")!
            let today = zone.dateComponents([.month, .day], from: Date())
            let birthday = String(format: "1990-%02d-%02d", today.month!, today.day!)
            let customers = """
                {"items": [
                  {"externalId": "kiwi", "email": "kiwi@example.com", "timeZone": "Pacific/Auckland", "birthday": "\(birthday)"},
                  {"externalId": "nobirthday", "email": "n@example.com"}]}
                """
            #expect(try await patron.api(.post, "/api/v1/customers/batch", json: customers).status == .ok)
            let scanner = FlowScanner(
                database: patron.database, services: FlowServices(database: patron.database), clock: { Date() })
            let first = try await scanner.scan(store: patron.storeA.id)
            let again = try await scanner.scan(store: patron.storeA.id)
            #expect(first == 1 && again == 0, "one run a year: \(first), \(again)")
        }
    }

    @Test func marketingGuardrailsRecordWhyAMessageWasSkipped() async throws {
        try await withPatron { patron in
            try await MessagingAPITests.configureSender(patron)
            let body = """
                {"items": [
                  {"externalId": "yes", "email": "yes@example.com", "consent": {"email": {"state": "subscribed", "source": "form"}}},
                  {"externalId": "no", "email": "no@example.com"}]}
                """
            #expect(try await patron.api(.post, "/api/v1/customers/batch", json: body).status == .ok)
            let ids = try await patron.list("/api/v1/customers?limit=10").compactMap { customer -> (String, Int64)? in
                guard let external = customer["externalId"]?.stringValue, let id = customer["id"]?.intValue else { return nil }
                return (external, id)
            }
            let byName = Dictionary(uniqueKeysWithValues: ids)
            let composer = MessageComposer(database: patron.database, templates: try EmailTemplates.builtIn())
            func message(_ customer: Int64, id: Int64, topic: String = "offers") -> OutboxMessage {
                OutboxMessage(
                    id: id, store: patron.storeA.id, customer: customer, flow: "win-back", template: "win-back", channel: "email",
                    purpose: "marketing", topic: topic, context: [:], messageId: "m\(id)", status: "queued", attempts: 0,
                    leaseOwner: "t")
            }
            guard case .suppress("no_marketing_consent") = try await composer.compose(message(byName["no"]!, id: 1), now: Date())
            else {
                Issue.record("a customer without consent got marketing mail")
                return
            }
            guard case .ready(let email, _, _) = try await composer.compose(message(byName["yes"]!, id: 2), now: Date()) else {
                Issue.record("a subscribed customer was refused")
                return
            }
            #expect(email.unsubscribeURL == nil, "no link signer in this composer, so no unsubscribe URL is invented")
            try await patron.database.write(store: patron.storeA.id) { sql in
                try await StoreWriter(sql: sql, storeID: patron.storeA.id, now: Date()).setTopicPreferences(
                    ["offers": false], channel: "email", customerId: byName["yes"]!)
            }
            guard case .suppress("topic_opt_out") = try await composer.compose(message(byName["yes"]!, id: 3), now: Date()) else {
                Issue.record("the topic opt-out was ignored")
                return
            }
            guard case .ready = try await composer.compose(message(byName["yes"]!, id: 4, topic: "updates"), now: Date()) else {
                Issue.record("other topics still go out")
                return
            }
        }
    }
}
