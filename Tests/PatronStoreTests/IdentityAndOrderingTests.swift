import Foundation
import PatronCore
import Testing

@testable import PatronStore

@Suite struct IdentityAndOrderingTests {
    @Test(arguments: TestDatabases.all)
    func anEmailSharedWithAnotherExternalIdDoesNotMergeTheTwoCustomers(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let first = try await database.writing(store) {
                try await $0.upsertCustomer(CustomerInput(externalId: "F", email: "shared@example.com"))
            }
            let second = try await database.writing(store) {
                try await $0.resolveCustomer(CustomerRef(externalId: "E", email: "shared@example.com"))
            }
            #expect(second != nil)
            #expect(second != first.id, "customer E must not land on customer F because they share an e-mail")
            #expect(try await database.count("customers", store: store) == 2)
        }
    }

    @Test(arguments: TestDatabases.all)
    func erasureRemovesStoredIdempotentResponsesThatRepeatThePerson(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let customer = try await database.writing(store) { writer in
                let result = try await writer.upsertCustomer(CustomerInput(externalId: "c-1", email: "erin@example.com"))
                try await IdempotencyRepository.store(
                    key: "k-1", requestHash: "h",
                    response: StoredResponse(status: 201, body: #"{"email":"erin@example.com","id":1}"#), in: writer)
                try await IdempotencyRepository.store(
                    key: "k-2", requestHash: "h", response: StoredResponse(status: 201, body: #"{"email":"other@example.com"}"#),
                    in: writer)
                return result
            }
            let erased = try await database.writing(store) { try await $0.eraseCustomer(id: customer.id) }
            #expect(erased)
            #expect(try await database.count("idempotency_keys", store: store) == 1, "only the other person's response stays")
        }
    }

    @Test(arguments: TestDatabases.all)
    func aDelayedOlderOrderUpdateDoesNotUncancelTheOrder(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            var order = OrderInput(
                externalId: "o-late", customer: CustomerRef(email: "ana@example.com"), currency: .usd,
                placedAt: TestClock.hours(-72))
            order.lineItems = [LineItemInput(title: "Lamp", quantity: 1, unitPrice: 5_000)]
            order.sourceUpdatedAt = TestClock.hours(-72)
            let created = order
            let id = try await database.writing(store) { try await $0.upsertOrder(created) }.id
            var cancel = OrderStatusUpdate(orderExternalId: "o-late", occurredAt: TestClock.hours(-24))
            cancel.cancelledAt = TestClock.hours(-24)
            let cancellation = cancel
            _ = try await database.writing(store) { try await $0.applyOrderStatus(cancellation) }
            var stale = order
            stale.sourceUpdatedAt = TestClock.hours(-48)
            let delayed = stale
            let result = try await database.writing(store) { try await $0.upsertOrder(delayed) }
            #expect(result.outcome == .duplicate)
            let document = try await database.reading(store) { try await $0.order(id: id) }
            #expect(document?["cancelledAt"] == .string(Timestamp.format(TestClock.hours(-24))))
        }
    }

    @Test(arguments: TestDatabases.all)
    func aVariantIdOfAnotherProductIsRejectedNotMoved(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            var first = ProductInput(externalId: "p-a")
            first.variants = [VariantInput(externalId: "v-1")]
            let productA = first
            _ = try await database.writing(store) { try await $0.upsertProduct(productA) }
            var second = ProductInput(externalId: "p-b")
            second.variants = [VariantInput(externalId: "v-1")]
            let productB = second
            await #expect(throws: ValidationFailure.self) {
                try await database.writing(store) { try await $0.upsertProduct(productB) }
            }
            let page = try await database.reading(store) { try await $0.products(externalId: "p-a", page: PageRequest()) }
            #expect(page.items.first?["variants"]?.arrayValue?.count == 1, "the variant stays with its product")
        }
    }

    @Test(arguments: TestDatabases.all)
    func aRefundIdCannotMoveToAnotherOrder(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let refund = RefundInput(externalId: "r-1", orderExternalId: "o-1", createdAt: TestClock.now, amount: 100)
            _ = try await database.writing(store) { try await $0.upsertRefund(refund) }
            var moved = refund
            moved.orderExternalId = "o-2"
            let elsewhere = moved
            await #expect(throws: ValidationFailure.self) {
                try await database.writing(store) { try await $0.upsertRefund(elsewhere) }
            }
        }
    }
}
