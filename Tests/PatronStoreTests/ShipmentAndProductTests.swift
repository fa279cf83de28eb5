import Foundation
import PatronCore
import Testing

@testable import PatronStore

private func tracking(_ status: ShipmentStatus, hours: Double, id: String? = nil) -> TrackingEventInput {
    var event = TrackingEventInput(status: status, occurredAt: TestClock.hours(hours))
    event.externalId = id
    event.location = "Porto"
    return event
}

@Suite struct ShipmentTests {
    @Test(arguments: TestDatabases.all)
    func shipmentTakesTheStatusOfItsLatestTrackingEvent(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            // Given an order, and its shipment whose tracking events arrive out of order
            var placed = OrderInput(
                externalId: "o-1", customer: CustomerRef(externalId: "c-1"), currency: .usd, placedAt: TestClock.now)
            placed.lineItems = [LineItemInput(title: "Coat", quantity: 1, unitPrice: 4_000)]
            let orderInput = placed
            let orderResult = try await database.writing(store) { try await $0.upsertOrder(orderInput) }
            var input = ShipmentInput(externalId: "s-1")
            input.orderExternalId = "o-1"
            input.carrier = "UPS"
            input.trackingNumber = "1Z999AA10123456784"
            input.events = [
                tracking(.inTransit, hours: 1), tracking(.delivered, hours: 3), tracking(.labelCreated, hours: 0),
            ]
            let shipment = input

            // When it is upserted
            let result = try await database.writing(store) { try await $0.upsertShipment(shipment) }

            // Then its status and delivery time come from the latest event, and the events read in time order
            #expect(result.outcome == .created)
            let stored = try await database.reading(store) { try await $0.shipment(id: result.id) }
            let document = try #require(stored)
            #expect(document["status"] == "delivered")
            #expect(document["deliveredAt"] == .string(Timestamp.format(TestClock.hours(3))))
            #expect(document["carrier"] == "UPS")
            #expect(document["trackingNumber"] == "1Z999AA10123456784")
            #expect(document["orderExternalId"] == "o-1")
            #expect(document["orderId"]?.exactInt == orderResult.id)
            let events = try #require(document["events"]?.arrayValue)
            #expect(events.map { $0["status"] } == ["label_created", "in_transit", "delivered"])
            #expect(events.first?["location"] == "Porto")

            // And re-delivering the same events adds none
            let again = try await database.writing(store) { try await $0.upsertShipment(shipment) }
            #expect(again == WriteResult(id: result.id, outcome: .updated))
            let afterReplay = try await database.reading(store) { try await $0.shipment(id: result.id) }
            #expect(afterReplay?["events"]?.arrayValue?.count == 3)
            #expect(afterReplay?["status"] == "delivered")
        }
    }

    @Test(arguments: TestDatabases.all)
    func statusFollowsTrackingEventsAsTheyArrive(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            func send(_ events: [TrackingEventInput]) async throws -> JSONValue? {
                var input = ShipmentInput(externalId: "s-1")
                input.orderExternalId = "o-9"
                input.events = events
                let shipment = input
                return try await database.writing(store) { writer in
                    let result = try await writer.upsertShipment(shipment)
                    return try await StoreReader(sql: writer.sql, storeID: store).shipment(id: result.id)
                }
            }
            let inTransit = try await send([tracking(.inTransit, hours: 1)])
            #expect(inTransit?["status"] == "in_transit")
            #expect(inTransit?["deliveredAt"] == JSONValue.null)
            #expect(inTransit?["orderId"] == JSONValue.null)

            let outForDelivery = try await send([tracking(.outForDelivery, hours: 2)])
            #expect(outForDelivery?["status"] == "out_for_delivery")

            let delivered = try await send([tracking(.delivered, hours: 4)])
            #expect(delivered?["status"] == "delivered")
            #expect(delivered?["deliveredAt"] == .string(Timestamp.format(TestClock.hours(4))))
            #expect(delivered?["events"]?.arrayValue?.count == 3)
        }
    }

    @Test(arguments: TestDatabases.all)
    func trackingEventsWithTheSameIdAreStoredOnce(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            var input = ShipmentInput(externalId: "s-1")
            input.orderExternalId = "o-1"
            var first = tracking(.inTransit, hours: 1, id: "evt-1")
            first.message = "Departed facility"
            var resent = tracking(.inTransit, hours: 1.5, id: "evt-1")
            resent.message = "Departed facility (corrected)"
            input.events = [first, resent, tracking(.inTransit, hours: 2), tracking(.inTransit, hours: 2)]
            let shipment = input
            let result = try await database.writing(store) { try await $0.upsertShipment(shipment) }

            let document = try await database.reading(store) { try await $0.shipment(id: result.id) }
            let events = try #require(document?["events"]?.arrayValue)
            #expect(events.count == 2)
            #expect(events.first?["message"] == "Departed facility")
        }
    }

    @Test(arguments: TestDatabases.all)
    func explicitDeliveredStatusTakesTheDeliveryTimeFromItsEvent(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            var input = ShipmentInput(externalId: "s-1")
            input.status = .delivered
            input.shippedAt = TestClock.hours(-24)
            input.estimatedDeliveryAt = TestClock.hours(12)
            input.events = [tracking(.inTransit, hours: 1), tracking(.delivered, hours: 6)]
            let shipment = input
            let result = try await database.writing(store) { try await $0.upsertShipment(shipment) }

            let document = try await database.reading(store) { try await $0.shipment(id: result.id) }
            #expect(document?["status"] == "delivered")
            #expect(document?["deliveredAt"] == .string(Timestamp.format(TestClock.hours(6))))
            #expect(document?["shippedAt"] == .string(Timestamp.format(TestClock.hours(-24))))
            #expect(document?["estimatedDeliveryAt"] == .string(Timestamp.format(TestClock.hours(12))))
        }
    }

    @Test(arguments: TestDatabases.all)
    func olderShipmentUpdateDoesNotRegressTheStatus(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            func send(_ status: ShipmentStatus, modifiedHours: Double) async throws -> WriteResult {
                var input = ShipmentInput(externalId: "s-1")
                input.status = status
                input.sourceUpdatedAt = TestClock.hours(modifiedHours)
                let shipment = input
                return try await database.writing(store) { try await $0.upsertShipment(shipment) }
            }
            let result = try await send(.outForDelivery, modifiedHours: 3)
            _ = try await send(.inTransit, modifiedHours: 2)
            let afterStale = try await database.reading(store) { try await $0.shipment(id: result.id) }
            #expect(afterStale?["status"] == "out_for_delivery")

            // And an even older update is still older than the newest version seen
            _ = try await send(.labelCreated, modifiedHours: 2.5)
            let afterSecondStale = try await database.reading(store) { try await $0.shipment(id: result.id) }
            #expect(afterSecondStale?["status"] == "out_for_delivery")
        }
    }
}

@Suite struct ProductTests {
    static func variant(_ id: String, price: Int64?, colour: String) -> VariantInput {
        var variant = VariantInput(externalId: id)
        variant.price = price
        variant.sku = "SKU-\(id)"
        variant.options = ["colour": colour]
        return variant
    }

    @Test(arguments: TestDatabases.all)
    func fullVariantListReplacesTheStoredOne(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            // Given a product with three variants
            var input = ProductInput(externalId: "1234567890123")
            input.title = "Mug"
            input.currency = .eur
            input.tags = ["kitchen"]
            input.variants = [
                Self.variant("v-1", price: 1_000, colour: "red"), Self.variant("v-2", price: 1_100, colour: "blue"),
                Self.variant("v-3", price: 1_200, colour: "green"),
            ]
            let first = input
            let created = try await database.writing(store) { try await $0.upsertProduct(first) }

            // When it is sent again with two of them, one repriced, and no title
            var revised = ProductInput(externalId: "1234567890123")
            revised.variants = [
                Self.variant("v-3", price: 1_500, colour: "green"), Self.variant("v-1", price: nil, colour: "red"),
            ]
            let second = revised
            let updated = try await database.writing(store) { try await $0.upsertProduct(second) }

            // Then the dropped variant is gone, the order follows the new list, and unsent fields are kept
            #expect(created.outcome == .created)
            #expect(updated == WriteResult(id: created.id, outcome: .updated))
            let stored = try await database.reading(store) { try await $0.product(id: created.id) }
            let document = try #require(stored)
            #expect(document["externalId"] == "1234567890123")
            #expect(document["title"] == "Mug")
            #expect(document["currency"] == "EUR")
            #expect(document["status"] == "active")
            #expect(document["tags"] == ["kitchen"])
            let variants = try #require(document["variants"]?.arrayValue)
            #expect(variants.map { $0["externalId"] } == ["v-3", "v-1"])
            #expect(variants.map { $0["price"] } == [1_500, 1_000])
            #expect(variants.first?["options"] == ["colour": "green"])
        }
    }

    @Test(arguments: TestDatabases.all)
    func productWithoutVariantsGetsOneDefaultVariant(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            var input = ProductInput(externalId: "p-1")
            input.title = "Poster"
            let product = input
            let created = try await database.writing(store) { try await $0.upsertProduct(product) }
            // Sending it again without variants keeps the one it has
            _ = try await database.writing(store) { try await $0.upsertProduct(product) }

            let document = try await database.reading(store) { try await $0.product(id: created.id) }
            let variants = try #require(document?["variants"]?.arrayValue)
            #expect(variants.map { $0["externalId"] } == ["p-1"])
        }
    }

    @Test(arguments: TestDatabases.all)
    func olderProductUpdateIsIgnored(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            var newer = ProductInput(externalId: "p-1")
            newer.title = "New title"
            newer.sourceUpdatedAt = TestClock.hours(2)
            let newerInput = newer
            let created = try await database.writing(store) { try await $0.upsertProduct(newerInput) }
            var older = ProductInput(externalId: "p-1")
            older.title = "Old title"
            older.sourceUpdatedAt = TestClock.hours(1)
            let olderInput = older
            let result = try await database.writing(store) { try await $0.upsertProduct(olderInput) }

            #expect(result == WriteResult(id: created.id, outcome: .duplicate))
            let document = try await database.reading(store) { try await $0.product(id: created.id) }
            #expect(document?["title"] == "New title")
        }
    }
}
