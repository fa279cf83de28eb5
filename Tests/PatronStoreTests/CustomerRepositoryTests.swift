import Foundation
import PatronCore
import Testing

@testable import PatronStore

@Suite struct CustomerUpsertTests {
    @Test(arguments: TestDatabases.all)
    func upsertByExternalIdAdoptsAnEmailOnlyCustomer(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            // Given a customer known only by e-mail
            var emailOnly = CustomerInput(email: "Ana@Example.com")
            emailOnly.firstName = "Ana"
            let adopted = emailOnly
            let first = try await database.writing(store) { try await $0.upsertCustomer(adopted) }

            // When the store's own id arrives with the same address in another case
            let second = try await database.writing(store) {
                try await $0.upsertCustomer(CustomerInput(externalId: "c-1", email: "ana@example.com"))
            }
            // and later an update names the customer by that id alone
            var byId = CustomerInput(externalId: "c-1")
            byId.lastName = "Silva"
            let renamed = byId
            let third = try await database.writing(store) { try await $0.upsertCustomer(renamed) }

            // Then all three writes hit one record, which now carries the external id and both names
            #expect(first.outcome == .created)
            #expect(second == WriteResult(id: first.id, outcome: .updated))
            #expect(third == WriteResult(id: first.id, outcome: .updated))
            let document = try await database.reading(store) { try await $0.customer(id: first.id) }
            #expect(document?["externalId"] == "c-1")
            #expect(document?["firstName"] == "Ana")
            #expect(document?["lastName"] == "Silva")
            let all = try await database.reading(store) {
                try await $0.customers(email: nil, externalId: nil, page: PageRequest())
            }
            #expect(all.ids == [first.id])
        }
    }

    @Test(arguments: TestDatabases.all)
    func sameEmailWithAnotherExternalIdIsAnotherCustomer(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            // Given a customer with an external id and an e-mail
            let ana = try await database.writing(store) {
                try await $0.upsertCustomer(CustomerInput(externalId: "c-1", email: "ana@example.com"))
            }
            // When another external id arrives with the same e-mail
            let other = try await database.writing(store) {
                try await $0.upsertCustomer(CustomerInput(externalId: "c-2", email: "ana@example.com"))
            }
            // Then it is a separate customer (the store says so), while an e-mail-only update finds the oldest one
            let emailOnly = try await database.writing(store) {
                try await $0.upsertCustomer(CustomerInput(email: "ANA@example.com"))
            }
            #expect(ana.outcome == .created)
            #expect(other.outcome == .created)
            #expect(other.id != ana.id)
            #expect(emailOnly == WriteResult(id: ana.id, outcome: .updated))
            let byEmail = try await database.reading(store) {
                try await $0.customers(email: " Ana@Example.COM ", externalId: nil, page: PageRequest())
            }
            #expect(byEmail.ids == [ana.id, other.id])
            let byExternalId = try await database.reading(store) {
                try await $0.customers(email: nil, externalId: "c-2", page: PageRequest())
            }
            #expect(byExternalId.ids == [other.id])
        }
    }

    @Test(arguments: TestDatabases.all)
    func staleUpdateOnlyFillsFieldsTheRecordLacks(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            // Given a customer last modified at the source two hours after "now"
            var newer = CustomerInput(externalId: "c-1", email: "ana@example.com")
            newer.firstName = "Ana-Newer"
            newer.tags = ["vip"]
            newer.properties = ["tier": "gold"]
            newer.sourceUpdatedAt = TestClock.hours(2)
            let newerInput = newer
            let created = try await database.writing(store) { try await $0.upsertCustomer(newerInput) }

            // When an update modified one hour earlier arrives late
            var older = CustomerInput(externalId: "c-1", email: "old@example.com")
            older.firstName = "Ana-Older"
            older.phone = "+14155550123"
            older.tags = ["lapsed"]
            older.properties = ["tier": "silver", "channel": "pos"]
            older.sourceUpdatedAt = TestClock.hours(1)
            let olderInput = older
            _ = try await database.writing(store) { try await $0.upsertCustomer(olderInput) }

            // Then the newer fields stay and only what was missing is filled in
            let readAfterStale = try await database.reading(store) { try await $0.customer(id: created.id) }
            let afterStale = try #require(readAfterStale)
            #expect(afterStale["firstName"] == "Ana-Newer")
            #expect(afterStale["email"] == "ana@example.com")
            #expect(afterStale["phone"] == "+14155550123")
            #expect(afterStale["tags"] == ["vip"])
            #expect(afterStale["properties"] == ["tier": "gold", "channel": "pos"])

            // And an update newer than the stored one applies normally
            var newest = CustomerInput(externalId: "c-1")
            newest.firstName = "Ana-Newest"
            newest.sourceUpdatedAt = TestClock.hours(3)
            let newestInput = newest
            _ = try await database.writing(store) { try await $0.upsertCustomer(newestInput) }
            let readAfterNewest = try await database.reading(store) { try await $0.customer(id: created.id) }
            let afterNewest = try #require(readAfterNewest)
            #expect(afterNewest["firstName"] == "Ana-Newest")
            #expect(afterNewest["email"] == "ana@example.com")

            // And the version moved forward: the one-hour update is still stale
            _ = try await database.writing(store) { try await $0.upsertCustomer(olderInput) }
            let readAfterReplay = try await database.reading(store) { try await $0.customer(id: created.id) }
            let afterReplay = try #require(readAfterReplay)
            #expect(afterReplay["firstName"] == "Ana-Newest")
        }
    }

    @Test(arguments: TestDatabases.all)
    func propertiesMergeKeyByKeyAndNilFieldsKeepStoredValues(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            // Given a customer with properties and tags
            var first = CustomerInput(externalId: "c-1")
            first.properties = ["plan": "gold", "visits": 3, "nested": ["a": 1]]
            first.tags = ["vip", "newsletter"]
            first.country = "PT"
            let firstInput = first
            let created = try await database.writing(store) { try await $0.upsertCustomer(firstInput) }

            // When one update changes and adds properties, and another sends only a name
            var second = CustomerInput(externalId: "c-1")
            second.properties = ["visits": 4, "lastSeen": "2024-05-01", "nested": ["b": 2]]
            let secondInput = second
            _ = try await database.writing(store) { try await $0.upsertCustomer(secondInput) }
            var third = CustomerInput(externalId: "c-1")
            third.firstName = "Ana"
            let thirdInput = third
            _ = try await database.writing(store) { try await $0.upsertCustomer(thirdInput) }

            // Then properties merged key by key (a nested object is replaced whole) and nil fields kept their values
            let readDocument = try await database.reading(store) { try await $0.customer(id: created.id) }
            let document = try #require(readDocument)
            let expected: JSONValue = ["plan": "gold", "visits": 4, "lastSeen": "2024-05-01", "nested": ["b": 2]]
            #expect(document["properties"] == expected)
            #expect(document["tags"] == ["vip", "newsletter"])
            #expect(document["country"] == "PT")
            #expect(document["firstName"] == "Ana")
        }
    }

    @Test(arguments: TestDatabases.all)
    func storedFieldsRoundTrip(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            var input = CustomerInput(externalId: "5678901234567890123", email: "zoë@example.com")
            input.phone = "+351912345678"
            input.firstName = "Zoë"
            input.lastName = "Ñúñez"
            input.country = "PT"
            input.timeZone = "Europe/Lisbon"
            input.birthday = CalendarDate(year: nil, month: 7, day: 14)
            input.createdAt = TestClock.hours(-24 * 365)
            let customer = input
            let created = try await database.writing(store) { try await $0.upsertCustomer(customer) }
            let readDocument = try await database.reading(store) { try await $0.customer(id: created.id) }
            let document = try #require(readDocument)
            #expect(document["id"] == .int(created.id))
            #expect(document["externalId"] == "5678901234567890123")
            #expect(document["email"] == "zoë@example.com")
            #expect(document["phone"] == "+351912345678")
            #expect(document["firstName"] == "Zoë")
            #expect(document["lastName"] == "Ñúñez")
            #expect(document["timeZone"] == "Europe/Lisbon")
            #expect(document["birthday"] == "--07-14")
            #expect(document["createdAt"] == .string(Timestamp.format(TestClock.hours(-24 * 365))))
            #expect(document["updatedAt"] == .string(Timestamp.format(TestClock.now)))
            #expect(document["consent"] == ["email": nil, "sms": nil])
            #expect(document["anonymousIds"] == [])
        }
    }
}

@Suite struct ConsentTests {
    static func consent(
        _ channel: ConsentChannel, _ state: ConsentState, _ source: String, hours: Double
    ) -> ConsentInput {
        ConsentInput(channel: channel, state: state, source: source, recordedAt: TestClock.hours(hours))
    }

    @Test(arguments: TestDatabases.all)
    func consentHistoryAppendsAndTheLatestStateIsCurrent(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            func record(_ consents: [ConsentInput]) async throws -> WriteResult {
                var input = CustomerInput(externalId: "c-1")
                input.consents = consents
                let update = input
                return try await database.writing(store) { try await $0.upsertCustomer(update) }
            }
            // Given a customer who subscribed to e-mail
            let customer = try await record([Self.consent(.email, .subscribed, "api", hours: 0)])
            // When they unsubscribe from e-mail and subscribe to SMS an hour later
            _ = try await record([
                Self.consent(.email, .unsubscribed, "shopify", hours: 1),
                Self.consent(.sms, .subscribed, "checkout", hours: 1),
            ])
            // and the same unsubscribe is re-sent, and an older subscribe arrives late
            _ = try await record([Self.consent(.email, .unsubscribed, "shopify", hours: 2)])
            _ = try await record([Self.consent(.email, .subscribed, "csv", hours: -1)])

            // Then the profile shows the latest state per channel
            let readDocument = try await database.reading(store) { try await $0.customer(id: customer.id) }
            let document = try #require(readDocument)
            let email = try #require(document["consent"]?["email"])
            #expect(email["state"] == "unsubscribed")
            #expect(email["source"] == "shopify")
            #expect(email["recordedAt"] == .string(Timestamp.format(TestClock.hours(1))))
            #expect(document["consent"]?["sms"]?["state"] == "subscribed")

            // And the history kept every change once, oldest first (the unchanged re-send added nothing)
            let readExport = try await database.reading(store) {
                try await $0.export(customerId: customer.id, now: TestClock.now)
            }
            let export = try #require(readExport)
            let history = try #require(export["consentHistory"]?.arrayValue)
            #expect(history.map { $0["channel"] } == ["email", "email", "email", "sms"])
            #expect(history.map { $0["state"] } == ["subscribed", "subscribed", "unsubscribed", "subscribed"])
            #expect(history.map { $0["source"] } == ["csv", "api", "shopify", "checkout"])
            let rows = try await database.count("consents", store: store, customer: customer.id)
            #expect(rows == 4)
        }
    }

    @Test(arguments: TestDatabases.all)
    func consentWithoutATimeIsRecordedAtTheWritersClock(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            var input = CustomerInput(email: "bo@example.com")
            input.consents = [ConsentInput(channel: .sms, state: .pending, source: "storefront")]
            let update = input
            let customer = try await database.writing(store, at: TestClock.hours(5)) {
                try await $0.upsertCustomer(update)
            }
            let readDocument = try await database.reading(store) { try await $0.customer(id: customer.id) }
            let document = try #require(readDocument)
            #expect(document["consent"]?["sms"]?["state"] == "pending")
            #expect(document["consent"]?["sms"]?["recordedAt"] == .string(Timestamp.format(TestClock.hours(5))))
            #expect(document["consent"]?["email"] == JSONValue.null)
        }
    }
}

@Suite struct CustomerProfileTests {
    @Test(arguments: TestDatabases.all)
    func profileSummarisesOrdersAndMergesTheTimelineNewestFirst(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            // Given a customer with consent, two orders (one later cancelled), a refund and an event
            var input = CustomerInput(externalId: "c-1", email: "ana@example.com")
            input.consents = [
                ConsentInput(channel: .email, state: .subscribed, source: "api", recordedAt: TestClock.now)
            ]
            let customerInput = input
            let ref = CustomerRef(externalId: "c-1")
            var kept = OrderInput(externalId: "o-1", customer: ref, currency: .usd, placedAt: TestClock.hours(1))
            kept.lineItems = [LineItemInput(title: "Coat", quantity: 1, unitPrice: 12_000)]
            var cancelled = OrderInput(externalId: "o-2", customer: ref, currency: .usd, placedAt: TestClock.hours(2))
            cancelled.lineItems = [LineItemInput(title: "Hat", quantity: 1, unitPrice: 3_000)]
            cancelled.cancelledAt = TestClock.hours(3)
            let orders = [kept, cancelled]
            let refund = RefundInput(
                externalId: "r-1", orderExternalId: "o-1", createdAt: TestClock.hours(4), amount: 2_000)
            let event = EventInput(
                type: "Product Viewed", customer: ref, messageId: "m-1", occurredAt: TestClock.hours(5), source: .api)
            let customer = try await database.writing(store) { writer in
                let created = try await writer.upsertCustomer(customerInput)
                for order in orders { _ = try await writer.upsertOrder(order) }
                _ = try await writer.upsertRefund(refund)
                _ = try await writer.insertEvents([event])
                return created
            }

            // When the profile is read
            let readProfile = try await database.reading(store) { try await $0.profile(id: customer.id) }
            let profile = try #require(readProfile)

            // Then the statistics leave out the cancelled order and count the refund
            let stats = try #require(profile["stats"])
            #expect(stats["ordersCount"] == 1)
            #expect(stats["totalSpent"] == 12_000)
            #expect(stats["refundedTotal"] == 2_000)
            #expect(stats["currency"] == "USD")
            #expect(stats["firstOrderAt"] == .string(Timestamp.format(TestClock.hours(1))))
            #expect(stats["lastOrderAt"] == .string(Timestamp.format(TestClock.hours(1))))
            #expect(profile["consent"]?["email"]?["state"] == "subscribed")

            // And the timeline holds every kind of entry, newest first
            let timeline = try #require(profile["timeline"]?.arrayValue)
            #expect(timeline.map { $0["kind"] } == ["event", "refund", "order", "order", "order", "consent"])
            let times = timeline.compactMap { $0["at"]?.stringValue }
            #expect(times == times.sorted(by: >))
            #expect(times.first == Timestamp.format(TestClock.hours(5)))
        }
    }

    @Test(arguments: TestDatabases.all)
    func profileOfAnUnknownCustomerIsNil(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let profile = try await database.reading(store) { try await $0.profile(id: 999) }
            #expect(profile == nil)
        }
    }
}
