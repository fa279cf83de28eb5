import Foundation
import PatronCore
import Testing

@testable import PatronStore

/// An order of one line, placed at `TestClock.now` unless told otherwise.
private func order(
    _ externalId: String, total unitPrice: Int64 = 4_000,
    customer: CustomerRef = CustomerRef(email: "ana@example.com"), currency: Currency = .usd, placedHours: Double = 0
) -> OrderInput {
    var order = OrderInput(
        externalId: externalId, customer: customer, currency: currency, placedAt: TestClock.hours(placedHours))
    order.lineItems = [LineItemInput(title: "Coat", quantity: 1, unitPrice: unitPrice)]
    return order
}

extension Database {
    /// The order document with `externalId` (nil while it is only a placeholder).
    fileprivate func orderDocument(_ store: Int64, externalId: String) async throws -> JSONValue? {
        try await reading(store) {
            try await $0.orders(externalId: externalId, customerId: nil, page: PageRequest()).items.first
        }
    }
}

@Suite struct OrderUpsertTests {
    @Test(arguments: TestDatabases.all)
    func upsertComputesTotalsAndKeepsSixtyFourBitIdsExact(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            // Given an order with two lines, a discount code, shipping and tax but no totals
            var input = OrderInput(
                externalId: "5678901234567890123", customer: CustomerRef(externalId: "c-1", email: "ana@example.com"),
                currency: .usd, placedAt: TestClock.now)
            input.number = "#1001"
            var mug = LineItemInput(title: "Mug", quantity: 2, unitPrice: 1_250)
            mug.discount = 100
            mug.externalId = "9223372036854775807"
            mug.productExternalId = "1234567890123456789"
            mug.sku = "MUG-1"
            input.lineItems = [mug, LineItemInput(title: "Tee", quantity: 1, unitPrice: 2_000)]
            input.discountCodes = [DiscountInput(code: "SPRING", amount: 300)]
            input.discountTotal = 300
            input.shippingTotal = 500
            input.taxTotal = 200
            var address = Address()
            address.city = "Lisbon"
            address.country = "PT"
            input.shippingAddress = address
            let placed = input

            // When it is upserted
            let result = try await database.writing(store) { try await $0.upsertOrder(placed) }

            // Then the totals are computed from the lines and every id is kept exactly
            #expect(result.outcome == .created)
            let stored = try await database.reading(store) { try await $0.order(id: result.id) }
            let document = try #require(stored)
            #expect(document["externalId"] == "5678901234567890123")
            #expect(document["number"] == "#1001")
            #expect(document["subtotal"] == 4_400)
            #expect(document["discountTotal"] == 300)
            #expect(document["shippingTotal"] == 500)
            #expect(document["taxTotal"] == 200)
            #expect(document["total"] == 4_800)
            #expect(document["refundedTotal"] == 0)
            #expect(document["currency"] == "USD")
            #expect(document["financialStatus"] == "paid")
            #expect(document["fulfillmentStatus"] == "unfulfilled")
            #expect(document["placedAt"] == .string(Timestamp.format(TestClock.now)))
            #expect(document["email"] == "ana@example.com")
            #expect(document["discountCodes"] == [["code": "SPRING", "amount": 300]])
            #expect(document["shippingAddress"] == ["city": "Lisbon", "country": "PT"])
            let lines = try #require(document["lineItems"]?.arrayValue)
            #expect(lines.count == 2)
            #expect(lines[0]["externalId"] == "9223372036854775807")
            #expect(lines[0]["productExternalId"] == "1234567890123456789")
            #expect(lines[0]["quantity"] == 2)
            #expect(lines[0]["unitPrice"] == 1_250)
            #expect(lines[0]["discount"] == 100)
            #expect(lines[1]["title"] == "Tee")

            // And the order belongs to the customer its reference created
            let customers = try await database.reading(store) {
                try await $0.customers(email: nil, externalId: "c-1", page: PageRequest())
            }
            #expect(document["customerId"]?.exactInt == customers.ids.first)
            let byExternalId = try await database.orderDocument(store, externalId: "5678901234567890123")
            #expect(byExternalId?["id"]?.exactInt == result.id)
        }
    }

    @Test(arguments: TestDatabases.all)
    func upsertAgainReplacesTheLinesAndRecomputesTotals(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            var first = order("o-1")
            first.lineItems = [
                LineItemInput(title: "A", quantity: 1, unitPrice: 100),
                LineItemInput(title: "B", quantity: 2, unitPrice: 200),
                LineItemInput(title: "C", quantity: 3, unitPrice: 300),
            ]
            first.shippingTotal = 50
            let original = first
            let created = try await database.writing(store) { try await $0.upsertOrder(original) }

            // When the order is sent again with one different line
            var second = first
            second.lineItems = [LineItemInput(title: "Lamp", quantity: 3, unitPrice: 1_000)]
            second.financialStatus = .authorized
            let revised = second
            let updated = try await database.writing(store) { try await $0.upsertOrder(revised) }

            // Then it is the same order, holding only the new line and its totals
            #expect(updated == WriteResult(id: created.id, outcome: .updated))
            let stored = try await database.reading(store) { try await $0.order(id: created.id) }
            let document = try #require(stored)
            let lines = try #require(document["lineItems"]?.arrayValue)
            #expect(lines.map { $0["title"] } == ["Lamp"])
            #expect(document["subtotal"] == 3_000)
            #expect(document["total"] == 3_050)
            #expect(document["financialStatus"] == "authorized")
            let lineRows = try await database.count("order_lines", store: store)
            #expect(lineRows == 1)
        }
    }

    @Test(arguments: TestDatabases.all)
    func explicitTotalsAreKept(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            var input = order("o-1", total: 1_000)
            input.subtotal = 990
            input.total = 1_234
            let explicit = input
            let result = try await database.writing(store) { try await $0.upsertOrder(explicit) }
            let document = try await database.reading(store) { try await $0.order(id: result.id) }
            #expect(document?["subtotal"] == 990)
            #expect(document?["total"] == 1_234)
        }
    }

    @Test(arguments: TestDatabases.all)
    func olderUpdateOfAnOrderIsIgnored(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            // Given an order last modified two hours from now
            var current = order("o-1", total: 5_000)
            current.sourceUpdatedAt = TestClock.hours(2)
            current.fulfillmentStatus = .fulfilled
            let newer = current
            let created = try await database.writing(store) { try await $0.upsertOrder(newer) }

            // When a version modified one hour from now arrives late
            var stale = order("o-1", total: 100)
            stale.sourceUpdatedAt = TestClock.hours(1)
            let older = stale
            let result = try await database.writing(store) { try await $0.upsertOrder(older) }

            // Then nothing changes
            #expect(result == WriteResult(id: created.id, outcome: .duplicate))
            let document = try await database.reading(store) { try await $0.order(id: created.id) }
            #expect(document?["total"] == 5_000)
            #expect(document?["fulfillmentStatus"] == "fulfilled")
        }
    }

    @Test(arguments: TestDatabases.all)
    func statusUpdateOfAKnownOrderChangesOnlyWhatItNames(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let created = try await database.writing(store) { try await $0.upsertOrder(order("o-1")) }
            var fulfilled = OrderStatusUpdate(orderExternalId: "o-1", occurredAt: TestClock.hours(1))
            fulfilled.fulfillmentStatus = .fulfilled
            let update = fulfilled
            let result = try await database.writing(store) { try await $0.applyOrderStatus(update) }

            #expect(result == WriteResult(id: created.id, outcome: .updated))
            let document = try await database.reading(store) { try await $0.order(id: created.id) }
            #expect(document?["fulfillmentStatus"] == "fulfilled")
            #expect(document?["financialStatus"] == "paid")
            #expect(document?["cancelledAt"] == JSONValue.null)
            #expect(document?["total"] == 4_000)
        }
    }
}

@Suite struct OrderUpdateWithoutPlacementTests {
    @Test(arguments: TestDatabases.all)
    func updateThatDoesNotKnowThePlacementKeepsPlacedAtAndFinancialStatus(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            var placed = order("o-upd", placedHours: -48)
            placed.financialStatus = .partiallyRefunded
            let first = placed
            let created = try await database.writing(store) { try await $0.upsertOrder(first) }

            var update = order("o-upd", total: 6_000, placedHours: 0)
            update.keepsStoredPlacement = true
            let later = update
            _ = try await database.writing(store) { try await $0.upsertOrder(later) }

            let document = try await database.reading(store) { try await $0.order(id: created.id) }
            #expect(document?["placedAt"] == .string(Timestamp.format(TestClock.hours(-48))))
            #expect(document?["financialStatus"] == "partially_refunded")
            #expect(document?["total"] == .int(6_000), "the lines and totals of the update are applied")
        }
    }
}

@Suite struct RefundTests {
    @Test(arguments: TestDatabases.all)
    func refundBeforeItsOrderIsAppliedWhenTheOrderArrives(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            // Given a partial refund that arrives before its order
            let early = RefundInput(
                externalId: "r-1", orderExternalId: "o-1", createdAt: TestClock.hours(1), amount: 1_000)
            let refund = try await database.writing(store) { try await $0.upsertRefund(early) }
            #expect(refund.outcome == .created)
            // Then the order is not visible yet
            let beforeOrder = try await database.orderDocument(store, externalId: "o-1")
            #expect(beforeOrder == nil)

            // When the order arrives
            let placed = try await database.writing(store) { try await $0.upsertOrder(order("o-1", total: 4_000)) }

            // Then it carries the refund and is partially refunded
            #expect(placed.outcome == .created)
            let stored = try await database.reading(store) { try await $0.order(id: placed.id) }
            let document = try #require(stored)
            #expect(document["total"] == 4_000)
            #expect(document["refundedTotal"] == 1_000)
            #expect(document["financialStatus"] == "partially_refunded")
            let refunds = try #require(document["refunds"]?.arrayValue)
            #expect(refunds.map { $0["externalId"] } == ["r-1"])
            #expect(refunds.first?["amount"] == 1_000)
            #expect(refunds.first?["createdAt"] == .string(Timestamp.format(TestClock.hours(1))))
        }
    }

    @Test(arguments: TestDatabases.all)
    func fullRefundBeforeItsOrderLeavesTheOrderRefunded(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            // Given a refund of the whole amount that arrives before its order
            let early = RefundInput(
                externalId: "r-1", orderExternalId: "o-1", createdAt: TestClock.hours(1), amount: 4_000)
            _ = try await database.writing(store) { try await $0.upsertRefund(early) }

            // When the order arrives, as placed (paid)
            let placed = try await database.writing(store) { try await $0.upsertOrder(order("o-1", total: 4_000)) }

            // Then it is refunded, not partially refunded
            let document = try await database.reading(store) { try await $0.order(id: placed.id) }
            #expect(document?["refundedTotal"] == 4_000)
            #expect(document?["financialStatus"] == "refunded")
        }
    }

    @Test(arguments: TestDatabases.all)
    func refundsAfterTheOrderMoveItToPartiallyRefundedThenRefunded(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let placed = try await database.writing(store) { try await $0.upsertOrder(order("o-1", total: 4_000)) }
            func refund(_ id: String, _ amount: Int64) -> RefundInput {
                RefundInput(externalId: id, orderExternalId: "o-1", createdAt: TestClock.hours(1), amount: amount)
            }

            // When part of the order is refunded
            let first = try await database.writing(store) { try await $0.upsertRefund(refund("r-1", 1_500)) }
            let afterFirst = try await database.reading(store) { try await $0.order(id: placed.id) }
            #expect(first.outcome == .created)
            #expect(afterFirst?["financialStatus"] == "partially_refunded")
            #expect(afterFirst?["refundedTotal"] == 1_500)

            // And the same refund is delivered again
            let replay = try await database.writing(store) { try await $0.upsertRefund(refund("r-1", 1_500)) }
            #expect(replay == WriteResult(id: first.id, outcome: .updated))

            // And the rest is refunded
            _ = try await database.writing(store) { try await $0.upsertRefund(refund("r-2", 2_500)) }
            let afterAll = try await database.reading(store) { try await $0.order(id: placed.id) }
            #expect(afterAll?["financialStatus"] == "refunded")
            #expect(afterAll?["refundedTotal"] == 4_000)
            #expect(afterAll?["refunds"]?.arrayValue?.count == 2)
        }
    }

    @Test(arguments: TestDatabases.all)
    func refundsSentWithTheOrderAreStoredWithIt(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            var input = order("o-1", total: 4_000, currency: .eur)
            input.financialStatus = .partiallyRefunded
            var embedded = RefundInput(
                externalId: "r-1", orderExternalId: "", createdAt: TestClock.hours(1), amount: 700)
            var line = RefundLineInput(quantity: 1)
            line.sku = "COAT"
            embedded.lineItems = [line]
            input.refunds = [embedded]
            let withRefund = input
            let placed = try await database.writing(store) { try await $0.upsertOrder(withRefund) }

            let document = try await database.reading(store) { try await $0.order(id: placed.id) }
            let refund = try #require(document?["refunds"]?.arrayValue?.first)
            #expect(refund["orderExternalId"] == "o-1")
            #expect(refund["currency"] == "EUR")
            #expect(refund["lineItems"] == [["sku": "COAT", "quantity": 1]])
            #expect(document?["refundedTotal"] == 700)
            #expect(document?["financialStatus"] == "partially_refunded")
        }
    }
}

@Suite struct OrderPlaceholderTests {
    @Test(arguments: TestDatabases.all)
    func cancellationBeforeTheOrderSurvivesAnOlderFullOrder(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            // Given a cancellation that arrives before its order
            var cancel = OrderStatusUpdate(orderExternalId: "o-2", occurredAt: TestClock.hours(2))
            cancel.cancelledAt = TestClock.hours(2)
            cancel.cancelReason = "customer"
            let cancellation = cancel
            let placeholder = try await database.writing(store) { try await $0.applyOrderStatus(cancellation) }
            #expect(placeholder.outcome == .created)
            // Then only a placeholder exists, which readers do not show
            let hidden = try await database.reading(store) { try await $0.order(id: placeholder.id) }
            #expect(hidden == nil)
            let listed = try await database.reading(store) {
                try await $0.orders(externalId: nil, customerId: nil, page: PageRequest())
            }
            #expect(listed.items.isEmpty)

            // When the full order arrives, last modified before the cancellation
            var full = order("o-2", total: 2_500, currency: .eur)
            full.sourceUpdatedAt = TestClock.hours(1)
            let olderOrder = full
            let filled = try await database.writing(store) { try await $0.upsertOrder(olderOrder) }

            // Then it fills the placeholder and keeps the cancellation
            #expect(filled == WriteResult(id: placeholder.id, outcome: .created))
            let stored = try await database.reading(store) { try await $0.order(id: placeholder.id) }
            let document = try #require(stored)
            #expect(document["cancelledAt"] == .string(Timestamp.format(TestClock.hours(2))))
            #expect(document["cancelReason"] == "customer")
            #expect(document["currency"] == "EUR")
            #expect(document["total"] == 2_500)
            #expect(document["placedAt"] == .string(Timestamp.format(TestClock.now)))
            #expect(document["lineItems"]?.arrayValue?.count == 1)

            // And a version older than the cancellation cannot undo it
            var replayed = order("o-2", total: 2_500, currency: .eur)
            replayed.sourceUpdatedAt = TestClock.hours(1.5)
            let stale = replayed
            let ignored = try await database.writing(store) { try await $0.upsertOrder(stale) }
            #expect(ignored == WriteResult(id: placeholder.id, outcome: .duplicate))
            let afterReplay = try await database.reading(store) { try await $0.order(id: placeholder.id) }
            #expect(afterReplay?["cancelledAt"] == .string(Timestamp.format(TestClock.hours(2))))
        }
    }

    @Test(arguments: TestDatabases.all)
    func statusChangesBeforeTheOrderAccumulateOnOnePlaceholder(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            var voided = OrderStatusUpdate(orderExternalId: "o-3", occurredAt: TestClock.hours(1))
            voided.financialStatus = .voided
            let update = voided
            let placeholder = try await database.writing(store) { try await $0.applyOrderStatus(update) }
            // A second status change for the still-missing order updates the same placeholder
            var second = OrderStatusUpdate(orderExternalId: "o-3", occurredAt: TestClock.hours(2))
            second.fulfillmentStatus = .restocked
            let again = second
            let secondResult = try await database.writing(store) { try await $0.applyOrderStatus(again) }
            #expect(secondResult == WriteResult(id: placeholder.id, outcome: .updated))

            let filled = try await database.writing(store) { try await $0.upsertOrder(order("o-3")) }
            #expect(filled.id == placeholder.id)
            let document = try await database.reading(store) { try await $0.order(id: placeholder.id) }
            #expect(document?["financialStatus"] == "voided")
        }
    }
}
