import Foundation
import PatronAnalytics
import PatronCore
import PatronStore
import SQLKit

/// Evaluates a flow's conditions for the customer of a run.
enum FlowConditions {
    static func holds(_ condition: FlowCondition, run: FlowRun, writer: StoreWriter, services: FlowServices) async throws
        -> Bool
    {
        guard let customer = run.customer else { return false }
        switch condition {
        case .orderedSinceStart(let expected):
            return try await orderedSince(run.startedAt, customer: customer, writer: writer) == expected
        case .inSegment(let name, let expected):
            let member = try await writer.sql.raw(
                """
                SELECT m.customer_id FROM segment_members m JOIN segments s ON s.id = m.segment_id
                WHERE s.store_id = \(bind: writer.storeID) AND s.name = \(bind: name) AND m.customer_id = \(bind: customer)
                """
            ).first() != nil
            return member == expected
        case .rule(let source):
            guard let rule = try? SegmentRule.parse(source) else { return false }
            return try await services.rules.contains(customer, rule: rule, source: source, store: writer.storeID)
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

    func contains(_ customer: Int64, rule: SegmentRule, source: String, store: Int64) async throws -> Bool {
        let key = "\(store)|\(source)"
        if let cached = cache[key], ContinuousClock.now - cached.at < .seconds(60) { return cached.members.contains(customer) }
        let members = Set(try await SegmentEvaluator(database: database, store: store).members(rule))
        cache[key] = (members, .now)
        return members.contains(customer)
    }
}
