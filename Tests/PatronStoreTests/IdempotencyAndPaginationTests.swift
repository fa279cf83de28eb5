import Foundation
import PatronCore
import Testing

@testable import PatronStore

/// `IdempotencyLookup` made comparable for assertions.
private enum Lookup: Equatable, Sendable {
    case new
    case replay(StoredResponse)
    case mismatch

    init(_ lookup: IdempotencyLookup) {
        switch lookup {
        case .new: self = .new
        case .replay(let response): self = .replay(response)
        case .mismatch: self = .mismatch
        }
    }
}

extension Database {
    /// Looks `key` up in one write transaction and, when it is new, stores `response` for it, as an endpoint does.
    fileprivate func idempotent(
        _ store: Int64, key: String, hash: String, response: StoredResponse, at now: Date = TestClock.now
    ) async throws -> Lookup {
        try await writing(store, at: now) { writer in
            let lookup = try await IdempotencyRepository.lookup(key: key, requestHash: hash, in: writer)
            if case .new = lookup {
                try await IdempotencyRepository.store(key: key, requestHash: hash, response: response, in: writer)
            }
            return Lookup(lookup)
        }
    }
}

@Suite struct IdempotencyRepositoryTests {
    static let created = StoredResponse(status: 201, body: #"{"id":1,"outcome":"created"}"#)
    static let other = StoredResponse(status: 200, body: #"{"id":2}"#)

    @Test(arguments: TestDatabases.all)
    func firstUseIsNewThenTheSameBodyReplaysAndAnotherBodyMismatches(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()

            let first = try await database.idempotent(store, key: "k-1", hash: "h-1", response: Self.created)
            let repeated = try await database.idempotent(store, key: "k-1", hash: "h-1", response: Self.other)
            let changed = try await database.idempotent(store, key: "k-1", hash: "h-2", response: Self.other)
            let otherKey = try await database.idempotent(store, key: "k-2", hash: "h-1", response: Self.other)

            #expect(first == .new)
            #expect(repeated == .replay(Self.created))
            #expect(changed == .mismatch)
            #expect(otherKey == .new)
        }
    }

    @Test(arguments: TestDatabases.all)
    func keysAreScopedToTheirStore(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let storeA = try await database.makeStore("A")
            let storeB = try await database.makeStore("B")
            _ = try await database.idempotent(storeA, key: "k-1", hash: "h-1", response: Self.created)

            let inB = try await database.idempotent(storeB, key: "k-1", hash: "h-9", response: Self.other)
            let againInB = try await database.idempotent(storeB, key: "k-1", hash: "h-9", response: Self.created)
            let againInA = try await database.idempotent(storeA, key: "k-1", hash: "h-1", response: Self.other)

            #expect(inB == .new)
            #expect(againInB == .replay(Self.other))
            #expect(againInA == .replay(Self.created))
        }
    }

    @Test(arguments: TestDatabases.all)
    func keysExpireAfterTheRetentionPeriod(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            _ = try await database.idempotent(store, key: "k-1", hash: "h-1", response: Self.created)

            // Still kept a day later (at least 24 hours)
            let dayLater = try await database.idempotent(
                store, key: "k-1", hash: "h-2", response: Self.other, at: TestClock.hours(24))
            #expect(dayLater == .mismatch)

            // Forgotten after the retention period, so the key can be used afresh
            let retention = Double(IdempotencyRepository.retentionMilliseconds) / 3_600_000
            #expect(retention >= 24)
            let afterRetention = TestClock.hours(retention + 1)
            let expired = try await database.idempotent(
                store, key: "k-1", hash: "h-2", response: Self.other, at: afterRetention)
            let reused = try await database.idempotent(
                store, key: "k-1", hash: "h-2", response: Self.created, at: afterRetention)
            #expect(expired == .new)
            #expect(reused == .replay(Self.other))
        }
    }

    @Test(arguments: TestDatabases.all)
    func purgeDeletesOnlyKeysPastRetention(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let retention = Double(IdempotencyRepository.retentionMilliseconds) / 3_600_000
            _ = try await database.idempotent(store, key: "old", hash: "h", response: Self.created)
            _ = try await database.idempotent(
                store, key: "recent", hash: "h", response: Self.created, at: TestClock.hours(retention))

            try await IdempotencyRepository.purge(in: database, now: TestClock.hours(retention + 1))

            let remaining = try await database.count("idempotency_keys", store: store)
            #expect(remaining == 1)
            let recent = try await database.idempotent(
                store, key: "recent", hash: "h", response: Self.other, at: TestClock.hours(retention))
            #expect(recent == .replay(Self.created))
        }
    }
}

@Suite struct PaginationTests {
    /// Follows `nextCursor` from the start and returns every page's ids.
    static func allPages(
        limit: Int, _ fetch: @escaping @Sendable (PageRequest) async throws -> Page
    ) async throws -> [[Int64]] {
        var pages: [[Int64]] = []
        var after: Int64 = 0
        while pages.count < 100 {
            let page = try await fetch(PageRequest(limit: limit, after: after))
            pages.append(page.ids)
            guard let next = page.nextCursor else { break }
            after = next
        }
        return pages
    }

    @Test(arguments: TestDatabases.all, [0, 1, 3, 6, 7])
    func customerPagesReturnEveryRowExactlyOnce(kind: DatabaseKind, count: Int) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let created = try await database.writing(store) { writer in
                var ids: [Int64] = []
                for number in 0..<count {
                    ids.append(try await writer.upsertCustomer(CustomerInput(externalId: "c-\(number)")).id)
                }
                return ids
            }

            let pages = try await Self.allPages(limit: 3) { request in
                try await database.reading(store) {
                    try await $0.customers(email: nil, externalId: nil, page: request)
                }
            }

            #expect(pages.flatMap { $0 } == created)
            #expect(pages.count == max(1, (count + 2) / 3))
            #expect(pages.dropLast().allSatisfy { $0.count == 3 })
        }
    }

    @Test(arguments: TestDatabases.all)
    func orderPagesSkipPlaceholders(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let created = try await database.writing(store) { writer in
                var ids: [Int64] = []
                for number in 0..<5 {
                    var order = OrderInput(
                        externalId: "o-\(number)", customer: CustomerRef(), currency: .usd, placedAt: TestClock.now)
                    order.lineItems = [LineItemInput(title: "Item", quantity: 1, unitPrice: 100)]
                    ids.append(try await writer.upsertOrder(order).id)
                    if number == 2 {
                        var ghost = OrderStatusUpdate(orderExternalId: "ghost", occurredAt: TestClock.now)
                        ghost.fulfillmentStatus = .fulfilled
                        _ = try await writer.applyOrderStatus(ghost)
                    }
                }
                return ids
            }

            let pages = try await Self.allPages(limit: 2) { request in
                try await database.reading(store) {
                    try await $0.orders(externalId: nil, customerId: nil, page: request)
                }
            }

            #expect(pages.flatMap { $0 } == created)
            #expect(pages.allSatisfy { $0.count <= 2 })
        }
    }

    @Test(arguments: TestDatabases.all)
    func eventPagesFollowTheFilter(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let events = (0..<9).map { number in
                EventInput(
                    type: number % 3 == 0 ? "Order Completed" : "Page", customer: CustomerRef(anonymousId: "anon"),
                    messageId: "m-\(number)", occurredAt: TestClock.hours(Double(number)), source: .segment)
            }
            let results = try await database.writing(store) { try await $0.insertEvents(events) }

            let everything = try await Self.allPages(limit: 4) { request in
                try await database.reading(store) { try await $0.events(customerId: nil, type: nil, page: request) }
            }
            let completed = try await Self.allPages(limit: 2) { request in
                try await database.reading(store) {
                    try await $0.events(customerId: nil, type: "Order Completed", page: request)
                }
            }

            #expect(everything.flatMap { $0 } == results.map(\.id))
            #expect(everything.map(\.count) == [4, 4, 1])
            #expect(completed.flatMap { $0 } == [results[0].id, results[3].id, results[6].id])
        }
    }

    @Test(arguments: TestDatabases.all)
    func productAndShipmentPagesReturnEveryRowExactlyOnce(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let (products, shipments) = try await database.writing(store) { writer in
                var productIds: [Int64] = []
                var shipmentIds: [Int64] = []
                for number in 0..<5 {
                    productIds.append(try await writer.upsertProduct(ProductInput(externalId: "p-\(number)")).id)
                    var shipment = ShipmentInput(externalId: "s-\(number)")
                    shipment.orderExternalId = "o-\(number % 2)"
                    shipmentIds.append(try await writer.upsertShipment(shipment).id)
                }
                return (productIds, shipmentIds)
            }

            let productPages = try await Self.allPages(limit: 2) { request in
                try await database.reading(store) { try await $0.products(externalId: nil, page: request) }
            }
            let shipmentPages = try await Self.allPages(limit: 2) { request in
                try await database.reading(store) { try await $0.shipments(orderExternalId: nil, page: request) }
            }
            let forOrderOne = try await Self.allPages(limit: 1) { request in
                try await database.reading(store) { try await $0.shipments(orderExternalId: "o-1", page: request) }
            }

            #expect(productPages.flatMap { $0 } == products)
            #expect(shipmentPages.flatMap { $0 } == shipments)
            #expect(forOrderOne.flatMap { $0 } == [shipments[1], shipments[3]])
        }
    }
}
