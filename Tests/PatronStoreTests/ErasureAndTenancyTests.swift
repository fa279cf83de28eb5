import Foundation
import PatronCore
import Testing

@testable import PatronStore

/// A customer with a profile, consent, an anonymous alias, events and an addressed order, as ids.
private struct PopulatedCustomer: Sendable {
    let customerId: Int64
    let orderId: Int64
    let eventIds: [Int64]
}

private func populate(_ database: Database, store: Int64) async throws -> PopulatedCustomer {
    var customer = CustomerInput(externalId: "c-1", email: "ana@example.com")
    customer.firstName = "Ana"
    customer.phone = "+351912345678"
    customer.anonymousIds = ["anon-1"]
    customer.consents = [ConsentInput(channel: .email, state: .subscribed, source: "api", recordedAt: TestClock.now)]
    let customerInput = customer
    var order = OrderInput(
        externalId: "o-1", customer: CustomerRef(externalId: "c-1", email: "ana@example.com"), currency: .usd,
        placedAt: TestClock.hours(1))
    order.lineItems = [LineItemInput(title: "Coat", quantity: 2, unitPrice: 2_000)]
    order.shippingTotal = 500
    var address = Address()
    address.name = "Ana Silva"
    address.address1 = "Rua Augusta 1"
    address.city = "Lisbon"
    order.shippingAddress = address
    let orderInput = order
    let events = ["m-1", "m-2"].map { messageId in
        EventInput(
            type: "Product Viewed", customer: CustomerRef(externalId: "c-1"), messageId: messageId,
            occurredAt: TestClock.hours(2), source: .api)
    }
    return try await database.writing(store) { writer in
        let storedCustomer = try await writer.upsertCustomer(customerInput)
        let storedOrder = try await writer.upsertOrder(orderInput)
        let storedEvents = try await writer.insertEvents(events)
        return PopulatedCustomer(
            customerId: storedCustomer.id, orderId: storedOrder.id, eventIds: storedEvents.map(\.id))
    }
}

@Suite struct ErasureTests {
    @Test(arguments: TestDatabases.all)
    func erasureRemovesThePersonAndKeepsTheOrderAmounts(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            // Given a customer with personal data, and another customer's event
            let ana = try await populate(database, store: store)
            let bystander = try await database.writing(store) {
                try await $0.insertEvents([
                    EventInput(
                        type: "Page", customer: CustomerRef(externalId: "c-2"), messageId: "other",
                        occurredAt: TestClock.now, source: .api)
                ])
            }

            // When the customer is erased
            let erased = try await database.writing(store) { try await $0.eraseCustomer(id: ana.customerId) }

            // Then the profile, their events, consent and aliases are gone
            #expect(erased)
            let profile = try await database.reading(store) { try await $0.customer(id: ana.customerId) }
            #expect(profile == nil)
            let byEmail = try await database.reading(store) {
                try await $0.customers(email: "ana@example.com", externalId: "c-1", page: PageRequest())
            }
            #expect(byEmail.items.isEmpty)
            let events = try await database.reading(store) {
                try await $0.events(customerId: nil, type: nil, page: PageRequest())
            }
            #expect(events.ids == bystander.map(\.id))
            let consents = try await database.count("consents", store: store, customer: ana.customerId)
            let aliases = try await database.count("customer_aliases", store: store, customer: ana.customerId)
            #expect(consents == 0)
            #expect(aliases == 0)
            let export = try await database.reading(store) {
                try await $0.export(customerId: ana.customerId, now: TestClock.now)
            }
            #expect(export == nil)

            // And the order stays for the books, detached from the person and without the address
            let stored = try await database.reading(store) { try await $0.order(id: ana.orderId) }
            let order = try #require(stored)
            #expect(order["customerId"] == JSONValue.null)
            #expect(order["email"] == JSONValue.null)
            #expect(order["shippingAddress"] == JSONValue.null)
            #expect(order["total"] == 4_500)
            #expect(order["subtotal"] == 4_000)
            #expect(order["lineItems"]?.arrayValue?.count == 1)

            // And the old anonymous id no longer leads to anyone
            let later = try await database.writing(store) {
                try await $0.insertEvents([
                    EventInput(
                        type: "Page", customer: CustomerRef(anonymousId: "anon-1"), messageId: "after",
                        occurredAt: TestClock.hours(3), source: .api)
                ])
            }
            let laterEvent = try await database.reading(store) { try await $0.event(id: later[0].id) }
            #expect(laterEvent?["customerId"] == JSONValue.null)

            // And erasing again finds nobody
            let again = try await database.writing(store) { try await $0.eraseCustomer(id: ana.customerId) }
            #expect(!again)
        }
    }

    @Test(arguments: TestDatabases.all)
    func erasingTheStoreRemovesEveryCustomerAndEvent(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let ana = try await populate(database, store: store)
            _ = try await database.writing(store) {
                try await $0.insertEvents([
                    EventInput(
                        type: "Page", customer: CustomerRef(anonymousId: "stranger"), messageId: "anon",
                        occurredAt: TestClock.now, source: .storefront)
                ])
            }

            let erased = try await database.writing(store) { try await $0.eraseAllCustomers() }

            #expect(erased == 1)
            let customers = try await database.count("customers", store: store)
            let events = try await database.count("events", store: store)
            #expect(customers == 0)
            #expect(events == 0)
            let order = try await database.reading(store) { try await $0.order(id: ana.orderId) }
            #expect(order?["total"] == 4_500)
            #expect(order?["customerId"] == JSONValue.null)
        }
    }
}

@Suite struct TenancyTests {
    @Test(arguments: TestDatabases.all)
    func anotherStoreCannotReadThisStoresData(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            // Given store A's customer, order and events, and an empty store B
            let storeA = try await database.makeStore("A")
            let storeB = try await database.makeStore("B")
            let ana = try await populate(database, store: storeA)

            // Then store B's reader finds none of it, by id or by lookup
            let (customer, profile, export, order, event) = try await database.reading(storeB) { reader in
                (
                    try await reader.customer(id: ana.customerId), try await reader.profile(id: ana.customerId),
                    try await reader.export(customerId: ana.customerId, now: TestClock.now),
                    try await reader.order(id: ana.orderId), try await reader.event(id: ana.eventIds[0])
                )
            }
            #expect(customer == nil)
            #expect(profile == nil)
            #expect(export == nil)
            #expect(order == nil)
            #expect(event == nil)
            let (customers, orders, events) = try await database.reading(storeB) { reader in
                (
                    try await reader.customers(email: "ana@example.com", externalId: nil, page: PageRequest()),
                    try await reader.orders(externalId: "o-1", customerId: nil, page: PageRequest()),
                    try await reader.events(customerId: ana.customerId, type: nil, page: PageRequest())
                )
            }
            #expect(customers.items.isEmpty)
            #expect(orders.items.isEmpty)
            #expect(events.items.isEmpty)

            // And store A still sees its own
            let own = try await database.reading(storeA) { try await $0.customer(id: ana.customerId) }
            #expect(own?["externalId"] == "c-1")
        }
    }

    @Test(arguments: TestDatabases.all)
    func anotherStoresWritesNeverTouchThisStoresRows(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let storeA = try await database.makeStore("A")
            let storeB = try await database.makeStore("B")
            let ana = try await populate(database, store: storeA)

            // When store B upserts the same external id, re-sends the same event id, cancels the same order id
            // and tries to erase store A's customer by id
            let (customerB, eventB, cancelB, erased) = try await database.writing(storeB) { writer in
                let sameCustomer = CustomerInput(externalId: "c-1", email: "ana@example.com")
                let customer = try await writer.upsertCustomer(sameCustomer)
                let events = try await writer.insertEvents([
                    EventInput(
                        type: "Product Viewed", customer: CustomerRef(externalId: "c-1"), messageId: "m-1",
                        occurredAt: TestClock.now, source: .api)
                ])
                var cancel = OrderStatusUpdate(orderExternalId: "o-1", occurredAt: TestClock.hours(5))
                cancel.cancelledAt = TestClock.hours(5)
                let cancelled = try await writer.applyOrderStatus(cancel)
                let erasedInB = try await writer.eraseCustomer(id: ana.customerId)
                return (customer, events[0], cancelled, erasedInB)
            }

            // Then store B got rows of its own
            #expect(customerB.outcome == .created)
            #expect(customerB.id != ana.customerId)
            #expect(eventB.outcome == .created)
            #expect(eventB.id != ana.eventIds[0])
            #expect(cancelB.outcome == .created)
            #expect(cancelB.id != ana.orderId)
            #expect(!erased)

            // And store A's customer and order are untouched
            let (customerA, orderA) = try await database.reading(storeA) { reader in
                (try await reader.customer(id: ana.customerId), try await reader.order(id: ana.orderId))
            }
            #expect(customerA?["firstName"] == "Ana")
            #expect(orderA?["cancelledAt"] == JSONValue.null)
            let countA = try await database.count("customers", store: storeA)
            let countB = try await database.count("customers", store: storeB)
            #expect(countA == 1)
            #expect(countB == 1)
        }
    }
}
