import Foundation
import PatronCore
import SQLKit
import Testing

@testable import PatronStore

/// The SQL behind analytics refreshes, on every engine: what the refresh reads, what it writes, and
/// the bookkeeping that keeps concurrent refreshes and erasures honest.
@Suite struct AnalyticsRepositoryTests {
    /// Two customers: c-1 with a kept order (120.00, refunded 20.00) and a cancelled one, c-2 with one
    /// order in EUR; an event for each.
    static func populate(_ database: Database, store: Int64) async throws -> (first: Int64, second: Int64) {
        let first = CustomerRef(externalId: "c-1")
        let second = CustomerRef(externalId: "c-2")
        var kept = OrderInput(externalId: "o-1", customer: first, currency: .usd, placedAt: TestClock.hours(-48))
        kept.lineItems = [LineItemInput(title: "Coat", quantity: 1, unitPrice: 12_000)]
        var cancelled = OrderInput(externalId: "o-2", customer: first, currency: .usd, placedAt: TestClock.hours(-24))
        cancelled.lineItems = [LineItemInput(title: "Hat", quantity: 1, unitPrice: 3_000)]
        cancelled.cancelledAt = TestClock.hours(-23)
        var euro = OrderInput(externalId: "o-3", customer: second, currency: .eur, placedAt: TestClock.hours(-2))
        euro.lineItems = [LineItemInput(title: "Mug", quantity: 2, unitPrice: 1_250)]
        let orders = [kept, cancelled, euro]
        let refund = RefundInput(externalId: "r-1", orderExternalId: "o-1", createdAt: TestClock.hours(-1), amount: 2_000)
        let events = [
            EventInput(type: "Product Viewed", customer: first, messageId: "m-1", occurredAt: TestClock.hours(-3), source: .api),
            EventInput(type: "Product Viewed", customer: second, messageId: "m-2", occurredAt: TestClock.hours(-4), source: .api),
            EventInput(
                type: "Checkout Started", customer: second, messageId: "m-3", occurredAt: TestClock.hours(-5), source: .api),
        ]
        return try await database.writing(store) { writer in
            var consent = CustomerInput(externalId: "c-1")
            consent.consents = [ConsentInput(channel: .email, state: .subscribed, source: "api", recordedAt: TestClock.hours(-9))]
            let firstId = try await writer.upsertCustomer(consent).id
            let secondId = try await writer.upsertCustomer(CustomerInput(externalId: "c-2")).id
            for order in orders { _ = try await writer.upsertOrder(order) }
            _ = try await writer.upsertRefund(refund)
            _ = try await writer.insertEvents(events)
            return (firstId, secondId)
        }
    }

    @Test(arguments: TestDatabases.all)
    func sourceReadsPurchasesNetOfRefundsAndTheLatestConsent(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let other = try await database.makeStore("Other")
            let (first, second) = try await Self.populate(database, store: store)
            _ = try await Self.populate(database, store: other)
            let (orders, customers, consents, views, allIds) = try await database.read { sql in
                let source = AnalyticsSource(sql: sql, storeID: store)
                return (
                    try await source.orders(after: 0), try await source.customers(after: 0), try await source.latestConsents(),
                    try await source.events(type: "Product Viewed", after: 0), try await source.allCustomerIds()
                )
            }
            // The cancelled order is left out; the refund is taken off (as a BIGINT on every engine).
            #expect(orders.map(\.netAmount) == [10_000, 2_500])
            #expect(orders.map(\.currency) == ["USD", "EUR"])
            #expect(orders.map(\.customerId) == [first, second])
            #expect(customers.map(\.id) == [first, second])
            #expect(allIds == [first, second])
            #expect(consents.count == 1 && consents[0].customerId == first && consents[0].subscribed)
            #expect(views.map(\.customerId) == [first, second])
            #expect(views.map(\.occurredAt) == [TestClock.hours(-3), TestClock.hours(-4)].map(Timestamp.milliseconds))
        }
    }

    @Test(arguments: TestDatabases.all)
    func metricsAreReplacedAndReadBack(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let (first, second) = try await Self.populate(database, store: store)
            var row = CustomerMetricsRow(customerId: first, ordersCount: 1, revenue: 10_000)
            row.rfm = (5, 1, 4)
            row.rfmSegment = "New Customers"
            row.probabilityAlive = 1
            row.expectedPurchases = 0.25
            row.predictedValue = 3_125
            row.churnRisk = 0.6
            row.churnBand = "medium"
            row.nextOrderAt = Timestamp.milliseconds(TestClock.hours(24 * 30))
            let rows = [row, CustomerMetricsRow(customerId: second, ordersCount: 1, revenue: 2_500)]
            try await database.write(store: store) {
                try await CustomerMetricsRepository(sql: $0, storeID: store).replaceAll(rows, computedAt: 1)
            }
            try await database.write(store: store) {
                try await CustomerMetricsRepository(sql: $0, storeID: store).replaceAll(rows, computedAt: 2)
            }
            #expect(try await database.count("customer_metrics", store: store) == 2)
            let found = try await database.read {
                try await CustomerMetricsRepository(sql: $0, storeID: store).find(customerId: first)
            }
            let stored = try #require(found)
            #expect(stored.row == row)
            #expect(stored.computedAt == 2)
            #expect(stored.row.probabilityAlive == 1 && stored.row.churnBand == "medium")
            let paged = try await database.read { try await AnalyticsSource(sql: $0, storeID: store).metrics(after: first) }
            #expect(paged.map(\.customerId) == [second])

            // Erasing a customer removes their analytics rows too.
            let erased = try await database.writing(store) { try await $0.eraseCustomer(id: first) }
            #expect(erased)
            #expect(try await database.count("customer_metrics", store: store) == 1)
        }
    }

    @Test(arguments: TestDatabases.all)
    func membershipChangesRecordEventsOncePerRun(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let (first, second) = try await Self.populate(database, store: store)
            let segment = try await database.write(store: store) {
                try await SegmentRepository(sql: $0, storeID: store).create(
                    name: "Viewers", description: nil, rule: #"did "Product Viewed""#, now: 10)
            }
            func apply(entered: [Int64], exited: [Int64], count: Int, run: Int64) async throws {
                try await database.write(store: store) {
                    try await SegmentRepository(sql: $0, storeID: store).applyMembership(
                        segment: segment, entered: entered, exited: exited, memberCount: count, run: run, now: 20)
                }
            }
            try await apply(entered: [first, second], exited: [], count: 2, run: 1)
            try await apply(entered: [first, second], exited: [], count: 2, run: 1)  // a retried write
            try await apply(entered: [], exited: [second], count: 1, run: 2)
            let members = try await database.read {
                try await SegmentRepository(sql: $0, storeID: store).allMembers(segment: segment.id)
            }
            #expect(members == [first])
            let found = try await database.read { try await SegmentRepository(sql: $0, storeID: store).find(id: segment.id) }
            #expect(found?.memberCount == 1 && found?.refreshedAt == 20)
            let types = try await database.read { sql in
                try await sql.raw(
                    """
                    SELECT type, customer_id, properties FROM events WHERE store_id = \(bind: store) AND source = 'patron'
                    ORDER BY id
                    """
                ).all().map { (try $0.requiredText("type"), try $0.int("customer_id"), try $0.requiredText("properties")) }
            }
            #expect(types.map(\.0) == ["Segment Entered", "Segment Entered", "Segment Exited"])
            #expect(types.map(\.1) == [first, second, second])
            let properties = try JSONParser.parse(types[0].2)
            #expect(properties["segment_id"] == .int(segment.id))
            #expect(properties["segment_name"] == "Viewers")

            // Names are unique per store; deleting takes the members along.
            await #expect(throws: SegmentRepository.SaveError.nameTaken) {
                try await database.write(store: store) {
                    try await SegmentRepository(sql: $0, storeID: store).create(
                        name: "Viewers", description: nil, rule: "true", now: 30)
                }
            }
            let deleted = try await database.write(store: store) {
                try await SegmentRepository(sql: $0, storeID: store).delete(id: segment.id)
            }
            #expect(deleted)
            #expect(try await database.count("segment_members", store: store) == 0)
        }
    }

    @Test(arguments: TestDatabases.all)
    func runsKnowWhenAStoreIsDueAndWhenTheyWereOvertaken(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await database.makeStore()
            let now = Timestamp.milliseconds(TestClock.now)
            func runs<T: Sendable>(_ body: @Sendable (AnalyticsRunRepository) async throws -> T) async throws -> T {
                try await database.write(store: store) { try await body(AnalyticsRunRepository(sql: $0, storeID: store)) }
            }
            #expect(try await runs { try await $0.needsRefresh(now: now) })
            _ = try await Self.populate(database, store: store)

            let older = try await runs { try await $0.start(reason: "api", now: now) }
            let newer = try await runs { try await $0.start(reason: "schedule", now: now + 1_000) }
            try await runs { try await $0.finish(run: newer, currency: "USD", summary: ["ok": true], now: now + 2_000) }
            #expect(try await runs { try await $0.newerSucceeded(than: older) })
            #expect(try await runs { try await !$0.newerSucceeded(than: newer) })
            try await runs { try await $0.supersede(run: older, now: now + 3_000) }
            let latest = try await runs { try await $0.latestSucceeded() }
            #expect(latest?.id == newer && latest?.currency == "USD" && latest?.summary?["ok"] == true)

            // Nothing changed since the newer run started: not due, until a day passes or data arrives.
            #expect(try await runs { try await !$0.needsRefresh(now: now + 5_000) })
            #expect(try await runs { try await $0.needsRefresh(now: now + 86_400_000 + 1_000) })
            let event = EventInput(
                type: "Product Viewed", customer: CustomerRef(externalId: "c-2"), messageId: "m-late",
                occurredAt: TestClock.now, source: .api)
            _ = try await database.writing(store) { try await $0.insertEvents([event]) }
            #expect(try await runs { try await $0.needsRefresh(now: now + 5_000) })
        }
    }
}
