import Foundation
import PatronAnalytics
import PatronCore
import PatronStore

/// Evaluates a segment rule against a store's current data without recomputing the models: profile
/// and consent as stored now, metrics from the last refresh, events of the types the rule names.
public struct SegmentEvaluator: Sendable {
    public let database: Database
    public let store: Int64
    public let clock: @Sendable () -> Date

    public init(database: Database, store: Int64, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.store = store
        self.clock = clock
    }

    /// Ids of the matching customers, ascending.
    public func members(_ rule: SegmentRule) async throws -> [Int64] {
        let loader = StoreSnapshotLoader(database: database, store: store)
        let now = Int64(clock().timeIntervalSince1970)
        let needsOrders = !rule.eventTypes.isDisjoint(with: StoreSnapshotLoader.orderEventTypes)
        let customerIds: [Int64]
        let profile: CustomerProfileColumns
        var orders: OrderSnapshot?
        if needsOrders {
            let loaded = try await loader.load(now: now)
            (customerIds, profile, orders) = (loaded.customerIds, loaded.profile, loaded.snapshot)
        } else {
            (customerIds, profile) = try await loader.customers()
        }
        let customerIndex = Dictionary(uniqueKeysWithValues: customerIds.enumerated().map { ($1, $0) })
        var facts = CustomerFacts(count: customerIds.count, now: now)
        profile.fill(&facts)
        let currency = try await database.read { try await AnalyticsRunRepository(sql: $0, storeID: store).latestSucceeded() }?
            .currency
        var rows: [CustomerMetricsRow] = []
        try await forEachKeysetPage(size: AnalyticsSource.pageSize, key: \.customerId) { after in
            try await database.read { try await AnalyticsSource(sql: $0, storeID: store).metrics(after: after) }
        } _: {
            rows += $0
        }
        let scale = Double(AnalyticsRefresher.minorUnitScale(currency))
        MetricsColumns(rows: rows, customerIndex: customerIndex, count: facts.count, scale: scale).fill(&facts)
        facts.flags = try await loader.consents(customerIndex: customerIndex, count: facts.count)
        facts.events = try await loader.events(
            types: rule.eventTypes, customerIndex: customerIndex, count: facts.count, orders: orders)
        return rule.members(facts).map { customerIds[$0] }
    }
}
