import Foundation
import PatronCore
import Testing

@testable import PatronStore

private func event(
    _ messageId: String, _ customer: CustomerRef, type: String = "Product Viewed", hours: Double = 0
) -> EventInput {
    var event = EventInput(
        type: type, customer: customer, messageId: messageId, occurredAt: TestClock.hours(hours), source: .segment)
    event.properties = ["product_id": "p-1", "price": 19.99]
    event.productExternalIds = ["p-1"]
    return event
}

@Suite struct EventDeduplicationTests {
    @Test(arguments: TestDatabases.all)
    func resendingABatchReturnsTheSameIdsAsDuplicates(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let ana = CustomerRef(externalId: "c-1")
            let batch = [event("m-1", ana, hours: 1), event("m-2", ana, hours: 2), event("m-3", ana, hours: 3)]

            // When the same batch arrives twice
            let first = try await database.writing(store) { try await $0.insertEvents(batch) }
            let second = try await database.writing(store) { try await $0.insertEvents(batch) }

            // Then the first time creates three events and the second reports the same ids as duplicates
            #expect(first.map(\.outcome) == [.created, .created, .created])
            #expect(Set(first.map(\.id)).count == 3)
            #expect(second.map(\.outcome) == [.duplicate, .duplicate, .duplicate])
            #expect(second.map(\.id) == first.map(\.id))
            let stored = try await database.reading(store) {
                try await $0.events(customerId: nil, type: nil, page: PageRequest())
            }
            #expect(stored.ids == first.map(\.id))
        }
    }

    @Test(arguments: TestDatabases.all)
    func duplicatesWithinOneBatchAreStoredOnce(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let ana = CustomerRef(externalId: "c-1")
            let batch = [
                event("m-1", ana, type: "First"), event("m-2", ana), event("m-1", ana, type: "Second"),
                event("m-1", ana, type: "Third"),
            ]

            let results = try await database.writing(store) { try await $0.insertEvents(batch) }

            #expect(results.map(\.outcome) == [.created, .created, .duplicate, .duplicate])
            #expect(results[2].id == results[0].id)
            #expect(results[3].id == results[0].id)
            #expect(results[1].id != results[0].id)
            let stored = try await database.reading(store) { try await $0.event(id: results[0].id) }
            #expect(stored?["type"] == "First")
            let count = try await database.count("events", store: store)
            #expect(count == 2)
        }
    }

    @Test(arguments: TestDatabases.all)
    func eventDocumentKeepsWhatWasSent(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            var sent = event("5678901234567890123", CustomerRef(email: "Ana@Example.com"), hours: -2)
            sent.context = ["ip": "203.0.113.9", "library": ["name": "analytics-python"]]
            let input = sent
            let result = try await database.writing(store) { try await $0.insertEvents([input]) }
            let id = try #require(result.first?.id)

            let stored = try await database.reading(store) { try await $0.event(id: id) }
            let document = try #require(stored)
            #expect(document["messageId"] == "5678901234567890123")
            #expect(document["type"] == "Product Viewed")
            #expect(document["source"] == "segment")
            #expect(document["occurredAt"] == .string(Timestamp.format(TestClock.hours(-2))))
            #expect(document["receivedAt"] == .string(Timestamp.format(TestClock.now)))
            #expect(document["properties"] == ["product_id": "p-1", "price": 19.99])
            #expect(document["context"] == ["ip": "203.0.113.9", "library": ["name": "analytics-python"]])
            #expect(document["productExternalIds"] == ["p-1"])

            // And the e-mail created the customer the event belongs to
            let customers = try await database.reading(store) {
                try await $0.customers(email: "ana@example.com", externalId: nil, page: PageRequest())
            }
            #expect(customers.ids.count == 1)
            #expect(document["customerId"]?.exactInt == customers.ids.first)
        }
    }

    @Test(arguments: TestDatabases.all)
    func eventsFilterByCustomerAndType(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let batch = [
                event("m-1", CustomerRef(externalId: "c-1"), type: "Viewed"),
                event("m-2", CustomerRef(externalId: "c-2"), type: "Viewed"),
                event("m-3", CustomerRef(externalId: "c-1"), type: "Added"),
            ]
            let results = try await database.writing(store) { try await $0.insertEvents(batch) }
            let customersNamedOne = try await database.reading(store) {
                try await $0.customers(email: nil, externalId: "c-1", page: PageRequest())
            }
            let customerOne = try #require(customersNamedOne.ids.first)

            let viewed = try await database.reading(store) {
                try await $0.events(customerId: nil, type: "Viewed", page: PageRequest())
            }
            let forCustomerOne = try await database.reading(store) {
                try await $0.events(customerId: customerOne, type: nil, page: PageRequest())
            }
            let addedByOne = try await database.reading(store) {
                try await $0.events(customerId: customerOne, type: "Added", page: PageRequest())
            }
            #expect(viewed.ids == [results[0].id, results[1].id])
            #expect(forCustomerOne.ids == [results[0].id, results[2].id])
            #expect(addedByOne.ids == [results[2].id])
        }
    }
}

@Suite struct AnonymousActivityTests {
    @Test(arguments: TestDatabases.all)
    func anonymousEventsMoveToTheCustomerWhenTheAnonymousIdIsLinked(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            // Given a visitor's anonymous events, which create no customer
            let visitor = CustomerRef(anonymousId: "anon-1")
            let anonymous = [event("a-1", visitor, hours: 1), event("a-2", visitor, hours: 2)]
            let stored = try await database.writing(store) { try await $0.insertEvents(anonymous) }
            let beforeLink = try await database.reading(store) {
                try await $0.events(customerId: nil, type: nil, page: PageRequest())
            }
            #expect(beforeLink.items.map { $0["customerId"] } == [JSONValue.null, JSONValue.null])
            #expect(beforeLink.items.map { $0["anonymousId"] } == ["anon-1", "anon-1"])
            let customersBefore = try await database.count("customers", store: store)
            #expect(customersBefore == 0)

            // When the visitor is identified and the anonymous id linked
            let customer = try await database.writing(store) { writer in
                let identified = try await writer.upsertCustomer(CustomerInput(externalId: "c-1"))
                try await writer.linkAnonymous("anon-1", customerId: identified.id)
                return identified
            }

            // Then the earlier events belong to the customer
            let afterLink = try await database.reading(store) {
                try await $0.events(customerId: customer.id, type: nil, page: PageRequest())
            }
            #expect(afterLink.ids == stored.map(\.id))
            // And later anonymous-only events are attributed through the alias
            let later = try await database.writing(store) { try await $0.insertEvents([event("a-3", visitor)]) }
            let laterEvent = try await database.reading(store) { try await $0.event(id: later[0].id) }
            #expect(laterEvent?["customerId"]?.exactInt == customer.id)
            // And the profile lists the alias
            let document = try await database.reading(store) { try await $0.customer(id: customer.id) }
            #expect(document?["anonymousIds"] == ["anon-1"])
        }
    }

    @Test(arguments: TestDatabases.all)
    func identifyingUpsertWithAnonymousIdsMovesTheirEvents(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let visitor = CustomerRef(anonymousId: "anon-2")
            let stored = try await database.writing(store) {
                try await $0.insertEvents([event("a-1", visitor), event("a-2", visitor)])
            }
            var identify = CustomerInput(email: "bo@example.com")
            identify.anonymousIds = ["anon-2"]
            let input = identify
            let customer = try await database.writing(store) { try await $0.upsertCustomer(input) }

            let events = try await database.reading(store) {
                try await $0.events(customerId: customer.id, type: nil, page: PageRequest())
            }
            #expect(events.ids == stored.map(\.id))
        }
    }

    @Test(arguments: TestDatabases.all)
    func anEventNamingBothIdsLinksTheAnonymousHistory(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            // Given anonymous browsing, then a tracked event that names the customer and the anonymous id
            let browsing = try await database.writing(store) {
                try await $0.insertEvents([event("a-1", CustomerRef(anonymousId: "anon-3"))])
            }
            let identified = try await database.writing(store) {
                try await $0.insertEvents([
                    event("m-1", CustomerRef(externalId: "c-9", anonymousId: "anon-3"), type: "Order Completed")
                ])
            }
            // Then both events belong to the customer
            let second = try await database.reading(store) { try await $0.event(id: identified[0].id) }
            let customerId = try #require(second?["customerId"]?.exactInt)
            let events = try await database.reading(store) {
                try await $0.events(customerId: customerId, type: nil, page: PageRequest())
            }
            #expect(events.ids == [browsing[0].id, identified[0].id])
        }
    }

    @Test(arguments: TestDatabases.all)
    func anAnonymousIdAlreadyLinkedStaysWithItsFirstCustomer(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let (first, second) = try await database.writing(store) { writer in
                let one = try await writer.upsertCustomer(CustomerInput(externalId: "c-1"))
                let two = try await writer.upsertCustomer(CustomerInput(externalId: "c-2"))
                try await writer.linkAnonymous("anon-4", customerId: one.id)
                try await writer.linkAnonymous("anon-4", customerId: two.id)
                return (one, two)
            }
            let later = try await database.writing(store) {
                try await $0.insertEvents([event("a-1", CustomerRef(anonymousId: "anon-4"))])
            }
            let stored = try await database.reading(store) { try await $0.event(id: later[0].id) }
            #expect(stored?["customerId"]?.exactInt == first.id)
            #expect(first.id != second.id)
        }
    }
}
