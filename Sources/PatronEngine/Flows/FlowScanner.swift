import Foundation
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
            let flows = try await FlowRepository(sql: sql, storeID: store).enabled().compactMap { stored in
                (try? FlowDefinition.parse(stored.definition, templates: [], validatingTemplates: false)).map {
                    LoadedFlow(version: stored.version, definition: $0)
                }
            }.filter { $0.definition.trigger.isScheduled }
            var started = 0
            for flow in flows {
                for (customer, key) in try await candidates(flow.definition.trigger, writer: writer) {
                    if try await FlowEngine.start(
                        flow, customer: customer, triggerKey: key, context: [:], writer: writer, services: services) != nil
                    {
                        started += 1
                    }
                }
            }
            return started
        }
    }

    func candidates(_ trigger: FlowTrigger, writer: StoreWriter) async throws -> [(Int64, String)] {
        switch trigger {
        case .birthday: return try await birthdays(writer: writer)
        case .firstOrderAnniversary: return try await anniversaries(writer: writer)
        case .lapsed(let pAlive, let factor): return try await lapsed(pAliveBelow: pAlive, factor: factor, writer: writer)
        default: return []
        }
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
