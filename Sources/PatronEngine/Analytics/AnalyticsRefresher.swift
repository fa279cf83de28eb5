import Foundation
import Logging
import PatronAnalytics
import PatronCore
import PatronStore

/// Recomputes everything analytics knows about a store: reads customers and orders, fits the models,
/// scores every customer, writes `customer_metrics`, recomputes every saved segment (recording
/// `Segment Entered` / `Segment Exited` events) and logs the run with its summary. The writes land
/// in one transaction, so readers see the previous refresh or the new one, never a mix.
public struct AnalyticsRefresher: Sendable {
    public let database: Database
    public let clock: @Sendable () -> Date
    public let horizonDays: Int
    public let logger: Logger
    /// Flows triggered by segment changes start in the refresh's transaction.
    public let flows: FlowServices

    public init(
        database: Database, horizonDays: Int = 365, logger: Logger = Logger(label: "patron.analytics"),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.flows = FlowServices(database: database)
        self.horizonDays = horizonDays
        self.logger = logger
        self.clock = clock
    }

    public struct SegmentOutcome: Sendable, Equatable {
        public var id: Int64
        public var members: Int
        public var entered: Int
        public var exited: Int
    }

    public struct Outcome: Sendable {
        public var run: Int64
        public var customers: Int
        public var orders: Int
        public var segments: [SegmentOutcome]
        /// Segments not recomputed, with why: `{id, reason}`.
        public var skippedSegments: [JSONValue]
        /// True when a refresh that started later committed first; this one then wrote nothing.
        public var superseded: Bool
        public var seconds: Double
    }

    public func refresh(store: Int64, reason: String) async throws -> Outcome {
        // The reads below page through every order; they need the planner's statistics to use the row id.
        try await database.optimizePlanner()
        let started = clock()
        let nowMilliseconds = Timestamp.milliseconds(started)
        let run = try await database.write(store: store) { sql in
            let runs = AnalyticsRunRepository(sql: sql, storeID: store)
            try await runs.abandonStale(olderThan: nowMilliseconds - 6 * 3_600_000, now: nowMilliseconds)
            return try await runs.start(reason: reason, now: nowMilliseconds)
        }
        do {
            let outcome = try await compute(store: store, run: run, started: started)
            logger.info(
                "analytics refreshed",
                metadata: [
                    "store": "\(store)", "run": "\(run)", "customers": "\(outcome.customers)", "orders": "\(outcome.orders)",
                    "seconds": "\(outcome.seconds)",
                ])
            return outcome
        } catch {
            let message = String(describing: error)
            try? await database.write(store: store) { sql in
                try await AnalyticsRunRepository(sql: sql, storeID: store).fail(
                    run: run, error: message, now: Timestamp.milliseconds(clock()))
            }
            throw error
        }
    }

    private func compute(store: Int64, run: Int64, started: Date) async throws -> Outcome {
        let now = Int64(started.timeIntervalSince1970)
        let loader = StoreSnapshotLoader(database: database, store: store)
        let loaded = try await loader.load(now: now)
        let analysis = CustomerAnalysis(loaded.snapshot, options: AnalysisOptions(until: now, horizonDays: horizonDays))
        let segments = try await database.read { try await SegmentRepository(sql: $0, storeID: store).list() }
        var rules: [(SegmentRecord, SegmentRule)] = []
        var skipped: [JSONValue] = []
        for segment in segments {
            do {
                rules.append((segment, try SegmentRule.parse(segment.rule)))
            } catch {
                skipped.append(["id": .int(segment.id), "reason": .string("the rule does not parse: \(error.description)")])
            }
        }
        let customerIndex = Dictionary(uniqueKeysWithValues: loaded.customerIds.enumerated().map { ($1, $0) })
        var facts = CustomerFacts(count: loaded.customerIds.count, now: now)
        loaded.profile.fill(&facts)
        MetricsColumns(analysis).fill(&facts)
        facts.flags = try await loader.consents(customerIndex: customerIndex, count: facts.count)
        facts.events = try await loader.events(
            types: rules.reduce(into: Set<String>()) { $0.formUnion($1.1.eventTypes) }, customerIndex: customerIndex,
            count: facts.count, orders: loaded.snapshot)

        let recommendationsStarted = ContinuousClock.now
        let recommendations = try await StoreRecommendationModel(database: database, store: store).build(now: now)
        let recommendationBytes = Data(recommendations.encoded()).base64EncodedString()
        let recommendationSeconds = (ContinuousClock.now - recommendationsStarted).seconds
        let engagement = try await EngagementSummary.compute(
            store: store, database: database, now: Timestamp.milliseconds(clock()))
        let scale = Double(Self.minorUnitScale(loaded.currency))
        let metricsRows = Self.metricsRows(analysis, customerIds: loaded.customerIds, scale: scale)
        var computed: [(segment: SegmentRecord, members: [Int64])] = []
        for (segment, rule) in rules {
            computed.append((segment, rule.members(facts).map { loaded.customerIds[$0] }))
        }
        let nowMilliseconds = Timestamp.milliseconds(clock())
        let written = try await database.write(store: store) { sql -> (outcomes: [SegmentOutcome], skipped: [JSONValue])? in
            let runs = AnalyticsRunRepository(sql: sql, storeID: store)
            // Another process may have committed a refresh that started later, from newer data.
            guard try await !runs.newerSucceeded(than: run) else {
                try await runs.supersede(run: run, now: nowMilliseconds)
                return nil
            }
            // Customers erased while this refresh computed must not come back through its results.
            let existing = Set(try await AnalyticsSource(sql: sql, storeID: store).allCustomerIds())
            try await CustomerMetricsRepository(sql: sql, storeID: store).replaceAll(
                metricsRows.filter { existing.contains($0.customerId) }, computedAt: nowMilliseconds)
            try await RecommendationRepository(sql: sql, storeID: store).save(
                .init(
                    token: UUID().uuidString, run: run, builtAt: nowMilliseconds, items: Int64(recommendations.items.count),
                    model: recommendationBytes))
            let repository = SegmentRepository(sql: sql, storeID: store)
            var outcomes: [SegmentOutcome] = []
            var skipped = skipped
            for (segment, members) in computed {
                guard let stored = try await repository.find(id: segment.id), stored.updatedAt == segment.updatedAt else {
                    skipped.append(["id": .int(segment.id), "reason": "deleted or edited during the refresh"])
                    continue
                }
                let previous = Set(try await repository.allMembers(segment: segment.id))
                let current = Set(members.lazy.filter { existing.contains($0) })
                let entered = current.subtracting(previous).sorted()
                let exited = previous.subtracting(current).sorted()
                try await repository.applyMembership(
                    segment: segment, entered: entered, exited: exited, memberCount: current.count, run: run,
                    now: nowMilliseconds)
                try await SegmentFlowTriggers.start(
                    segment: segment, entered: entered, exited: exited, refresh: run,
                    writer: StoreWriter(sql: sql, storeID: store, now: Timestamp.date(milliseconds: nowMilliseconds)),
                    services: flows)
                outcomes.append(
                    SegmentOutcome(id: segment.id, members: current.count, entered: entered.count, exited: exited.count))
            }
            var summary = Self.summary(
                analysis, currency: loaded.currency, customers: facts.count, orders: loaded.snapshot.orderCount,
                skippedSegments: skipped)
            summary = summary.setting(
                "recommendations",
                [
                    "items": .int(Int64(recommendations.items.count)),
                    "items_with_neighbours": .int(Int64(recommendations.itemsWithNeighbours)),
                    "items_with_reorder_interval": .int(Int64(recommendations.reorder.typicalDays.count { $0 > 0 })),
                    "bytes": .int(Int64(recommendationBytes.utf8.count)), "seconds": .double(recommendationSeconds),
                ])
            summary = summary.setting("daily", DailySales(loaded.snapshot, now: now, days: 730).json)
            summary = summary.setting("engagement", engagement)
            try await runs.finish(run: run, currency: loaded.currency, summary: summary, now: nowMilliseconds)
            return (outcomes, skipped)
        }
        return Outcome(
            run: run, customers: facts.count, orders: loaded.snapshot.orderCount, segments: written?.outcomes ?? [],
            skippedSegments: written?.skipped ?? skipped, superseded: written == nil,
            seconds: clock().timeIntervalSince(started))
    }

    static func minorUnitScale(_ currency: String?) -> Int64 {
        let digits = currency.flatMap { Currency(code: $0)?.minorDigits } ?? 2
        return (0..<digits).reduce(1) { value, _ in value * 10 }
    }

    static func metricsRows(_ analysis: CustomerAnalysis, customerIds: [Int64], scale: Double) -> [CustomerMetricsRow] {
        func money(_ value: Double) -> Int64? { value.isFinite ? Int64((value * scale).rounded()) : nil }
        func number(_ value: Double) -> Double? { value.isFinite ? value : nil }
        var rows: [CustomerMetricsRow] = []
        rows.reserveCapacity(analysis.summary.count)
        for customer in 0..<analysis.customerCount where analysis.orderCount[customer] > 0 {
            var row = CustomerMetricsRow(
                customerId: customerIds[customer], ordersCount: Int64(analysis.orderCount[customer]),
                revenue: money(analysis.revenue[customer]) ?? 0)
            row.firstOrderAt = analysis.firstOrderAt[customer] * 1_000
            row.lastOrderAt = analysis.lastOrderAt[customer] * 1_000
            row.rfm = (
                Int64(analysis.recencyScore[customer]), Int64(analysis.frequencyScore[customer]),
                Int64(analysis.monetaryScore[customer])
            )
            row.rfmSegment = analysis.segment[customer]?.rawValue
            row.probabilityAlive = number(analysis.probabilityAlive[customer])
            row.expectedPurchases = number(analysis.expectedPurchases[customer])
            row.expectedSpend = money(analysis.expectedSpend[customer])
            row.predictedValue = money(analysis.predictedValue[customer])
            row.churnRisk = number(analysis.churnRisk[customer])
            row.churnBand = analysis.churnBand(customer)
            row.nextOrderAt = analysis.nextOrderAt[customer] == .min ? nil : analysis.nextOrderAt[customer] * 1_000
            rows.append(row)
        }
        return rows
    }

    static func summary(
        _ analysis: CustomerAnalysis, currency: String?, customers: Int, orders: Int, skippedSegments: [JSONValue]
    ) -> JSONValue {
        let grid = RFMGrid(analysis)
        return [
            "skipped_segments": .array(skippedSegments),
            "currency": JSONValue(currency), "customers": .int(Int64(customers)), "orders": .int(Int64(orders)),
            "buyers": .int(Int64(analysis.summary.count)), "horizon_days": .int(Int64(analysis.options.horizonDays)),
            "models": AnalysisJSON.models(analysis), "kpis": AnalysisJSON.kpis(analysis.kpis),
            "kpi_periods": AnalysisJSON.kpiPeriods(analysis), "rfm": AnalysisJSON.rfmGrid(grid),
            "cohorts": AnalysisJSON.cohorts(analysis.cohorts),
            "predicted_clv_total": .double(analysis.predictedValue.reduce(0) { $0 + ($1.isFinite ? $1 : 0) }),
        ]
    }
}
