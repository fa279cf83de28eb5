import PatronAnalytics
import PatronCore
import PatronStore

/// Reads a store into the analytics' columnar form. Customer `i` of the snapshot and of the facts is
/// the same customer: every stored customer is registered in id order before any order is read.
public struct StoreSnapshotLoader: Sendable {
    public let database: Database
    public let store: Int64

    public init(database: Database, store: Int64) {
        self.database = database
        self.store = store
    }

    /// The store's customers (profile columns filled) and their orders.
    public struct Loaded: Sendable {
        public var customerIds: [Int64]
        public var snapshot: OrderSnapshot
        public var profile: CustomerProfileColumns
        /// The currency most orders are in; amounts are major units of their own currency.
        public var currency: String?
    }

    public func load(now: Int64) async throws -> Loaded {
        let (customerIds, profile) = try await customers()
        var builder = OrderSnapshotBuilder(customerKeys: customerIds.map { String($0) })
        var indexById: [Int64: Int32] = [:]
        indexById.reserveCapacity(customerIds.count)
        for (index, id) in customerIds.enumerated() { indexById[id] = Int32(index) }
        var currencyCounts: [String: Int] = [:]
        var scales: [String: Double] = [:]
        try await forEachKeysetPage(size: AnalyticsSource.pageSize, key: \.id) { after in
            try await database.read { try await AnalyticsSource(sql: $0, storeID: store).orders(after: after) }
        } _: { orders in
            for order in orders {
                guard let customer = indexById[order.customerId] else { continue }
                currencyCounts[order.currency, default: 0] += 1
                if scales[order.currency] == nil {
                    scales[order.currency] = Double(AnalyticsRefresher.minorUnitScale(order.currency))
                }
                let scale = scales[order.currency] ?? 100
                builder.append(customerIndex: customer, time: order.placedAt / 1_000, amount: Double(order.netAmount) / scale)
            }
        }
        let currency = currencyCounts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
        return Loaded(customerIds: customerIds, snapshot: builder.build(), profile: profile, currency: currency)
    }

    /// Every customer id in ascending order, with the profile columns in the same order.
    public func customers() async throws -> (ids: [Int64], profile: CustomerProfileColumns) {
        var profile = CustomerProfileColumns()
        var customerIds: [Int64] = []
        try await forEachKeysetPage(size: AnalyticsSource.pageSize, key: \.id) { after in
            try await database.read { try await AnalyticsSource(sql: $0, storeID: store).customers(after: after) }
        } _: { rows in
            for row in rows {
                customerIds.append(row.id)
                profile.append(row)
            }
        }
        return (customerIds, profile)
    }

    /// Only the orders, for `patron analyze --store`.
    public func orders() async throws -> OrderSnapshot {
        try await load(now: 0).snapshot
    }

    /// Latest consent per channel, as `consent.email` / `consent.sms` columns.
    func consents(customerIndex: [Int64: Int], count: Int) async throws -> [String: [Bool]] {
        let latest = try await database.read { try await AnalyticsSource(sql: $0, storeID: store).latestConsents() }
        var columns: [String: [Bool]] = [:]
        for channel in ConsentChannel.allCases { columns["consent.\(channel.rawValue)"] = [Bool](repeating: false, count: count) }
        for entry in latest {
            guard let index = customerIndex[entry.customerId] else { continue }
            columns["consent.\(entry.channel)"]?[index] = entry.subscribed
        }
        return columns
    }

    /// Event types a rule may name that orders answer: every counted order is one occurrence, whatever
    /// source it came from (REST, Shopify, CSV or a Segment `Order Completed`), so stored events of these
    /// names are not read (a Segment order would otherwise count twice).
    public static let orderEventTypes: Set<String> = ["Order Completed", "Order Placed"]

    /// Occurrence times (epoch seconds) of the given event types per customer; `orders` (in the same
    /// customer order) answers ``orderEventTypes``.
    func events(
        types: Set<String>, customerIndex: [Int64: Int], count: Int, orders: OrderSnapshot?
    ) async throws -> [String: EventOccurrences] {
        guard !types.isEmpty else { return [:] }
        var occurrences: [String: EventOccurrences] = [:]
        for type in types.intersection(Self.orderEventTypes) {
            occurrences[type] = orders.map { EventOccurrences(start: $0.orderStart, times: $0.orderTimes) }
        }
        let sortedTypes = types.subtracting(Self.orderEventTypes).sorted()
        var pairs: [String: [(customer: Int, time: Int64)]] = [:]
        for type in sortedTypes {
            try await forEachKeysetPage(size: AnalyticsSource.pageSize, key: \.id) { after in
                try await database.read { try await AnalyticsSource(sql: $0, storeID: store).events(type: type, after: after) }
            } _: { events in
                for event in events {
                    guard let index = customerIndex[event.customerId] else { continue }
                    pairs[type, default: []].append((index, event.occurredAt / 1_000))
                }
            }
        }
        for type in sortedTypes {
            occurrences[type] = EventOccurrences(customerCount: count, pairs: pairs[type] ?? [])
        }
        return occurrences
    }
}

/// Profile attributes of every customer, in snapshot order.
public struct CustomerProfileColumns: Sendable {
    var email: [String?] = []
    var firstName: [String?] = []
    var lastName: [String?] = []
    var country: [String?] = []
    var tags: [[String]] = []
    var createdAt: [Int64] = []

    mutating func append(_ row: AnalyticsSource.CustomerRow) {
        email.append(row.email)
        firstName.append(row.firstName)
        lastName.append(row.lastName)
        country.append(row.country)
        tags.append(row.tags)
        createdAt.append(row.createdAt / 1_000)
    }

    func fill(_ facts: inout CustomerFacts) {
        facts.strings["email"] = email
        facts.strings["first_name"] = firstName
        facts.strings["last_name"] = lastName
        facts.strings["country"] = country
        facts.lists["tags"] = tags
        facts.times["created_at"] = createdAt
    }
}
