import Foundation
import PatronCore
import PatronStore
import SQLKit

/// Send-time optimisation: each customer's own engagement (email opens and clicks, orders) by hour of
/// the week in their time zone, shrunk toward the store's pattern so a customer with little history
/// gets the store's best hour and one with a lot gets their own.
public struct SendTimeAdvisor: Sendable {
    /// How many of the customer's own observations weigh as much as the store's pattern.
    public var shrinkage: Double

    public init(shrinkage: Double = 10) {
        self.shrinkage = shrinkage
    }

    /// The next start of the best hour of the week, within the coming week (epoch ms).
    public func nextBestTime(customer: Int64?, store: Int64, after: Int64, in sql: any SQLDatabase) async throws -> Int64 {
        let zone = try await customerZone(customer, in: sql)
        let storeCounts = try await counts(store: store, customer: nil, zone: zone, in: sql)
        let own = try await customer.asyncMap { try await counts(store: store, customer: $0, zone: zone, in: sql) }
        let best = Self.bestHour(own: own ?? Array(repeating: 0, count: 168), store: storeCounts, shrinkage: shrinkage)
        let now = LocalTime.hourOfWeek(after, in: zone)
        let hoursAhead = (best - now + 168) % 168
        let startOfHour = after - after % 3_600_000
        let candidate = startOfHour + Int64(hoursAhead) * 3_600_000
        return candidate > after ? candidate : candidate + 168 * 3_600_000
    }

    /// argmax over hours of (own(h) + k · storeShare(h)) / (ownTotal + k); a flat store falls back to 10:00 Tuesday.
    static func bestHour(own: [Double], store: [Double], shrinkage: Double) -> Int {
        let storeTotal = store.reduce(0, +)
        let prior = storeTotal > 0 ? store.map { $0 / storeTotal } : (0..<168).map { $0 == 34 ? 1.0 : 0 }
        let ownTotal = own.reduce(0, +)
        var best = 34
        var bestScore = -1.0
        for hour in 0..<168 {
            let score = (own[hour] + shrinkage * prior[hour]) / (ownTotal + shrinkage)
            if score > bestScore {
                bestScore = score
                best = hour
            }
        }
        return best
    }

    func counts(store: Int64, customer: Int64?, zone: TimeZone, in sql: any SQLDatabase) async throws -> [Double] {
        var counts = Array(repeating: 0.0, count: 168)
        var filter: SQLQueryString = ""
        if let customer { filter = " AND customer_id = \(bind: customer)" }
        let events = try await sql.raw(
            """
            SELECT occurred_at AS t FROM events WHERE store_id = \(bind: store)\(filter)
                AND type IN ('Email Opened', 'Email Clicked') ORDER BY id DESC LIMIT 5000
            """
        ).all()
        let orders = try await sql.raw(
            """
            SELECT placed_at AS t FROM orders WHERE store_id = \(bind: store)\(filter) AND is_placeholder = 0
            ORDER BY placed_at DESC LIMIT 5000
            """
        ).all()
        for row in events + orders { counts[LocalTime.hourOfWeek(try row.int("t"), in: zone)] += 1 }
        return counts
    }

    func customerZone(_ customer: Int64?, in sql: any SQLDatabase) async throws -> TimeZone {
        guard let customer,
            let name = try await sql.raw("SELECT time_zone FROM customers WHERE id = \(bind: customer)").first()?.text(
                "time_zone"),
            let zone = TimeZone(identifier: name)
        else { return TimeZone(identifier: "UTC")! }
        return zone
    }
}
