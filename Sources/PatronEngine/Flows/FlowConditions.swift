import Foundation
import PatronAnalytics
import PatronCore
import PatronStore
import SQLKit

/// Evaluates a flow's conditions for the customer of a run.
enum FlowConditions {
    /// Whether the condition holds; nil when it needs a whole-store rule evaluation that has not been
    /// done yet (that evaluation never runs inside the write transaction: the run defers to a job that
    /// evaluates first, then continues).
    static func holds(_ condition: FlowCondition, run: FlowRun, writer: StoreWriter, services: FlowServices) async throws
        -> Bool?
    {
        guard let customer = run.customer else { return false }
        switch condition {
        case .orderedSinceStart(let expected):
            return try await orderedSince(run.startedAt, customer: customer, writer: writer) == expected
        case .inSegment(let name, let expected):
            let member =
                try await writer.sql.raw(
                    """
                    SELECT m.customer_id FROM segment_members m JOIN segments s ON s.id = m.segment_id
                    WHERE s.store_id = \(bind: writer.storeID) AND s.name = \(bind: name) AND m.customer_id = \(bind: customer)
                    """
                ).first() != nil
            return member == expected
        case .rule(let source):
            guard let members = await services.rules.cached(source: source, store: writer.storeID) else { return nil }
            return members.contains(customer)
        }
    }

    static func orderedSince(_ time: Int64, customer: Int64, writer: StoreWriter) async throws -> Bool {
        try await writer.sql.raw(
            """
            SELECT id FROM orders WHERE store_id = \(bind: writer.storeID) AND customer_id = \(bind: customer)
                AND is_placeholder = 0 AND placed_at > \(bind: time) LIMIT 1
            """
        ).first() != nil
    }
}

/// Members of segment rules used as flow conditions, evaluated over the whole store (the rule language
/// is columnar) and reused for a minute, so many runs reaching the same condition cost one evaluation.
public actor RuleMembership {
    private var cache: [String: (members: Set<Int64>, at: ContinuousClock.Instant)] = [:]
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Members evaluated in the last minute, if any.
    func cached(source: String, store: Int64) -> Set<Int64>? {
        guard let entry = cache["\(store)|\(source)"], ContinuousClock.now - entry.at < .seconds(60) else { return nil }
        return entry.members
    }

    /// Evaluates the rule over the store (outside any write transaction) and keeps the result a minute.
    func prime(source: String, store: Int64) async throws {
        guard cached(source: source, store: store) == nil, let rule = try? SegmentRule.parse(source) else { return }
        let members = Set(try await SegmentEvaluator(database: database, store: store).members(rule))
        cache["\(store)|\(source)"] = (members, .now)
    }
}
