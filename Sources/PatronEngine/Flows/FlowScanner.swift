import Foundation
import PatronAnalytics
import PatronCore
import PatronStore
import SQLKit

/// Finds the customers whose scheduled trigger fires now and starts their runs: birthdays and
/// first-order anniversaries (today, in the customer's own time zone; once a year), and lapsed repeat
/// buyers (from the last analytics refresh; once per last order, so a new order re-arms the flow).
public struct FlowScanner: Sendable {
    public let database: Database
    public let services: FlowServices
    public let clock: @Sendable () -> Date

    public init(database: Database, services: FlowServices, clock: @escaping @Sendable () -> Date) {
        self.database = database
        self.services = services
        self.clock = clock
    }

    /// Returns how many runs started.
    public func scan(store: Int64) async throws -> Int {
        try await database.write(store: store) { sql in
            let writer = StoreWriter(sql: sql, storeID: store, now: clock())
            let flows = try await LoadedFlow.enabled(store: store, in: sql).filter { $0.definition.trigger.isScheduled }
            var started = 0
            for flow in flows {
                for (customer, key, context) in try await candidates(flow.definition.trigger, writer: writer) {
                    if try await FlowEngine.start(
                        flow, customer: customer, triggerKey: key, context: context, writer: writer, services: services) != nil
                    {
                        started += 1
                    }
                }
            }
            return started
        }
    }

    func candidates(_ trigger: FlowTrigger, writer: StoreWriter) async throws -> [(Int64, String, JSONValue)] {
        func plain(_ pairs: [(Int64, String)]) -> [(Int64, String, JSONValue)] { pairs.map { ($0.0, $0.1, [:]) } }
        switch trigger {
        case .birthday: return plain(try await birthdays(writer: writer))
        case .firstOrderAnniversary: return plain(try await anniversaries(writer: writer))
        case .lapsed(let pAlive, let factor): return plain(try await lapsed(pAliveBelow: pAlive, factor: factor, writer: writer))
        case .replenishmentDue: return try await replenishmentDue(writer: writer)
        default: return []
        }
    }

    /// Customers whose consumable is due now: their last purchase of it plus its reorder interval (their
    /// own when they have re-bought it twice or more, else the product's, from the recommendation model
    /// of the last analytics refresh) falls between two days ago and tomorrow, they have not bought it
    /// since, and it can be bought (active, in stock, not excluded).
    func replenishmentDue(writer: StoreWriter) async throws -> [(Int64, String, JSONValue)] {
        guard let model = try await RecommendationCache.shared.model(store: writer.storeID, sql: writer.sql) else {
            return []
        }
        let products = model.items.indices.filter { model.reorder.typicalDays[$0] > 0 }.map { model.items[$0] }
        var purchases: [Int64: [(item: Int32, time: Int64)]] = [:]
        for chunk in stride(from: 0, to: products.count, by: 500).map({ Array(products[$0..<min($0 + 500, products.count)]) }) {
            for row in try await writer.sql.raw(
                """
                SELECT o.customer_id, l.product_external_id, o.placed_at FROM order_lines l JOIN orders o ON o.id = l.order_id
                WHERE l.store_id = \(bind: writer.storeID) AND o.customer_id IS NOT NULL AND l.product_external_id IN (\(binds: chunk))
                    AND o.is_placeholder = 0 AND o.cancelled_at IS NULL AND o.placed_at >= \(bind: writer.now - 730 * 86_400_000)
                """
            ).all() {
                guard let item = model.index[try row.requiredText("product_external_id")] else { continue }
                purchases[try row.int("customer_id"), default: []].append((item, try row.int("placed_at") / 1_000))
            }
        }
        var due: [(Int64, String, JSONValue)] = []
        for (customer, bought) in purchases {
            for entry in model.reorder.due(purchases: bought) {
                let dueAt = entry.dueAt * 1_000
                guard dueAt >= writer.now - 2 * 86_400_000, dueAt <= writer.now + 86_400_000 else { continue }
                let product = model.items[Int(entry.item)]
                let last = entry.lastPurchase * 1_000
                due.append(
                    (
                        customer, "replenish:\(product):\(last)",
                        [
                            "productExternalId": .string(product), "typicalDays": .int(Int64(entry.intervalDays)),
                            "lastBoughtAt": .int(last),
                        ]
                    ))
            }
        }
        // A reminder to re-buy what cannot be bought (sold out, archived, excluded) is worse than none.
        let sellable = try await ProductCard.load(
            Array(Set(due.compactMap { $0.2["productExternalId"]?.stringValue })), store: writer.storeID, sql: writer.sql
        ).filter { $0.value.available }
        return due.filter { sellable[$0.2["productExternalId"]?.stringValue ?? ""] != nil }
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }

    /// Customers whose birthday is today where they are.
    func birthdays(writer: StoreWriter) async throws -> [(Int64, String)] {
        let now = writer.now
        let days = [-1, 0, 1].map { Timestamp.civilFromDays(Int((now / 86_400_000)) + $0) }
        var query: SQLQueryString = "SELECT id, birthday, time_zone FROM customers WHERE store_id = \(bind: writer.storeID) AND ("
        for (index, day) in days.enumerated() {
            query += index == 0 ? "" : " OR "
            query += "birthday LIKE \(bind: String(format: "%%-%02d-%02d", day.month, day.day))"
        }
        query += ")"
        var result: [(Int64, String)] = []
        for row in try await writer.sql.raw(query).all() {
            guard let birthday = try row.text("birthday").flatMap(CalendarDate.init) else { continue }
            let local = localDate(now, zone: try row.text("time_zone"))
            if local.month == birthday.month && local.day == birthday.day {
                result.append((try row.int("id"), "birthday:\(local.year)"))
            }
        }
        return result
    }

    /// Customers whose first order was on this day of the year, one or more years ago, where they are.
    func anniversaries(writer: StoreWriter) async throws -> [(Int64, String)] {
        let now = writer.now
        var query: SQLQueryString = """
            SELECT m.customer_id, m.first_order_at, c.time_zone FROM customer_metrics m
            JOIN customers c ON c.id = m.customer_id
            WHERE m.store_id = \(bind: writer.storeID) AND m.first_order_at IS NOT NULL AND (
            """
        for years in 1...15 {
            let center = now - Int64(years) * 31_556_952_000
            query += years == 1 ? "" : " OR "
            query += "m.first_order_at BETWEEN \(bind: center - 3 * 86_400_000) AND \(bind: center + 3 * 86_400_000)"
        }
        query += ")"
        var result: [(Int64, String)] = []
        for row in try await writer.sql.raw(query).all() {
            let zone = try row.text("time_zone")
            let first = localDate(try row.int("first_order_at"), zone: zone)
            let today = localDate(now, zone: zone)
            if first.month == today.month && first.day == today.day && today.year > first.year {
                result.append((try row.int("customer_id"), "anniversary:\(today.year)"))
            }
        }
        return result
    }

    /// Repeat buyers the models say are slipping away, or silent for `factor` times their usual gap.
    func lapsed(pAliveBelow: Double, factor: Double, writer: StoreWriter) async throws -> [(Int64, String)] {
        try await writer.sql.raw(
            """
            SELECT customer_id, orders_count, first_order_at, last_order_at, p_alive FROM customer_metrics
            WHERE store_id = \(bind: writer.storeID) AND orders_count >= 2 AND last_order_at IS NOT NULL
            """
        ).all().compactMap { row -> (Int64, String)? in
            let count = try row.int("orders_count")
            guard let first = try row.optionalInt("first_order_at"), let last = try row.optionalInt("last_order_at") else {
                return nil
            }
            let usualGap = Double(last - first) / Double(count - 1)
            let silent = Double(writer.now - last)
            let pAlive = try row.decode(column: "p_alive", as: Double?.self)
            let slipping = (pAlive.map { $0 < pAliveBelow } ?? false) || (usualGap > 0 && silent > factor * usualGap)
            return slipping ? (try row.int("customer_id"), "lapsed:\(last)") : nil
        }
    }

    func localDate(_ milliseconds: Int64, zone name: String?) -> (year: Int, month: Int, day: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = name.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: Timestamp.date(milliseconds: milliseconds))
        return (parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}
