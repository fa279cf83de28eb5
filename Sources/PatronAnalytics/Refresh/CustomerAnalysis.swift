import RealModule

/// Everything Patron computes about a store's customers from its order history: the two fitted
/// models, per-customer RFM and predictions, cohorts and KPIs. Per-customer columns are indexed like
/// the snapshot's customers; customers without an order before `until` have no scores (nil / NaN).
public struct CustomerAnalysis: Sendable {
    public struct ChurnRisk {
        /// Churn risk is the chance of no order in the next 365 days (exact under BG/NBD).
        public static let lookaheadDays = 365.0
        public static let highRisk = 0.8
        public static let bands: [(name: String, atLeast: Double)] = [("high", highRisk), ("medium", 0.5), ("low", 0)]

        public static func band(_ risk: Double) -> String {
            bands.first { risk >= $0.atLeast }?.name ?? "low"
        }
    }

    public let options: AnalysisOptions
    public let summary: PurchaseSummary
    public let purchaseModel: BetaGeometricNBD?
    public let purchaseFit: FitDiagnostics?
    public let purchaseModelError: ModelFitError?
    public let spendModel: GammaGamma?
    public let spendFit: FitDiagnostics?
    public let spendModelError: ModelFitError?

    public let orderCount: [Int32]
    public let revenue: [Double]
    public let firstOrderAt: [Int64]
    public let lastOrderAt: [Int64]
    /// RFM scores 1...5, 0 for customers without orders.
    public let recencyScore: [UInt8]
    public let frequencyScore: [UInt8]
    public let monetaryScore: [UInt8]
    public let segment: [RFMSegment?]
    public let probabilityAlive: [Double]
    public let expectedPurchases: [Double]
    public let expectedSpend: [Double]
    public let predictedValue: [Double]
    /// Value over the horizon if the customer is alive (before weighting by P(alive)).
    public let valueIfAlive: [Double]
    public let churnRisk: [Double]
    public let nextOrderAt: [Int64]

    public let kpis: RetentionKPIs
    /// KPIs over the standard periods ending with the calibration day, each with the period before it.
    public let kpiPeriods: [(days: Int, current: RetentionKPIs, previous: RetentionKPIs)]
    public static let standardPeriods = [7, 30, 90, 365]
    public let cohorts: CohortReport
    /// Wall-clock time of each stage, for benchmarks.
    public let timings: [(String, Duration)]

    public var customerCount: Int { orderCount.count }

    public init(_ snapshot: OrderSnapshot, options: AnalysisOptions) {
        self.options = options
        var timer = StageTimer()
        let period = options.period
        let calibrationEnd = period.end - 1
        let summary = PurchaseSummary(snapshot, until: calibrationEnd, unit: .days)
        self.summary = summary
        timer.lap("summary")
        let count = snapshot.customerCount

        var orderCount = [Int32](repeating: 0, count: count)
        var revenue = [Double](repeating: .nan, count: count)
        var firstOrderAt = [Int64](repeating: .min, count: count)
        var lastOrderAt = [Int64](repeating: .min, count: count)
        var daysSince: [Double] = []
        var orders: [Double] = []
        var spend: [Double] = []
        daysSince.reserveCapacity(summary.count)
        orders.reserveCapacity(summary.count)
        spend.reserveCapacity(summary.count)
        for buyer in 0..<summary.count {
            let customer = Int(summary.customer[buyer])
            var total = 0.0
            var ordersSoFar: Int32 = 0
            var last = Int64.min
            for order in snapshot.orders(of: customer) where snapshot.orderTimes[order] <= calibrationEnd {
                total += snapshot.orderAmounts[order]
                ordersSoFar += 1
                last = snapshot.orderTimes[order]
            }
            orderCount[customer] = ordersSoFar
            revenue[customer] = total
            firstOrderAt[customer] = snapshot.orderTimes[snapshot.orderStart[customer]]
            lastOrderAt[customer] = last
            daysSince.append(Double(period.end - last) / 86_400)
            orders.append(Double(ordersSoFar))
            spend.append(total)
        }
        self.orderCount = orderCount
        self.revenue = revenue
        self.firstOrderAt = firstOrderAt
        self.lastOrderAt = lastOrderAt

        let scores = RFMScores(daysSinceLastOrder: daysSince, orderCount: orders, revenue: spend)
        var recencyScore = [UInt8](repeating: 0, count: count)
        var frequencyScore = [UInt8](repeating: 0, count: count)
        var monetaryScore = [UInt8](repeating: 0, count: count)
        var segment = [RFMSegment?](repeating: nil, count: count)
        for buyer in 0..<summary.count {
            let customer = Int(summary.customer[buyer])
            recencyScore[customer] = scores.recency[buyer]
            frequencyScore[customer] = scores.frequency[buyer]
            monetaryScore[customer] = scores.monetary[buyer]
            segment[customer] = scores.segment(buyer)
        }
        self.recencyScore = recencyScore
        self.frequencyScore = frequencyScore
        self.monetaryScore = monetaryScore
        self.segment = segment
        timer.lap("rfm")

        let purchase = Self.attempt { () throws(ModelFitError) in try BetaGeometricNBD.fit(summary) }
        let purchaseModel = purchase.model
        timer.lap("bgnbd_fit")
        let spendFitResult = Self.attempt { () throws(ModelFitError) in try GammaGamma.fit(summary) }
        let spendModel = spendFitResult.model
        timer.lap("gamma_gamma_fit")
        self.purchaseModel = purchaseModel
        purchaseFit = purchase.diagnostics
        purchaseModelError = purchase.error
        self.spendModel = spendModel
        spendFit = spendFitResult.diagnostics
        spendModelError = spendFitResult.error

        let predictions = CustomerPredictions(
            summary: summary, customerCount: count, purchaseModel: purchaseModel, spendModel: spendModel,
            revenue: revenue, orderCount: orderCount, options: options, calibrationEndDay: summary.endDay)
        probabilityAlive = predictions.probabilityAlive
        expectedPurchases = predictions.expectedPurchases
        expectedSpend = predictions.expectedSpend
        predictedValue = predictions.predictedValue
        valueIfAlive = predictions.valueIfAlive
        churnRisk = predictions.churnRisk
        nextOrderAt = predictions.nextOrderAt
        timer.lap("predictions")

        var periods = [(start: period.start, end: period.end)]
        for days in Self.standardPeriods {
            let length = Int64(days) * 86_400
            periods += [(period.end - length, period.end), (period.end - 2 * length, period.end - length)]
        }
        let allKPIs = RetentionKPIs.periods(snapshot, periods)
        var kpis = allKPIs[0]
        if purchaseModel != nil {
            var atRisk = 0
            var valueAtRisk = 0.0
            for buyer in 0..<summary.count where summary.frequency[buyer] > 0 {
                let customer = Int(summary.customer[buyer])
                let risk = predictions.churnRisk[customer]
                guard predictions.probabilityAlive[customer] < 0.5 || risk >= ChurnRisk.highRisk else { continue }
                atRisk += 1
                valueAtRisk += risk * predictions.valueIfAlive[customer]
            }
            kpis.customersAtRisk = atRisk
            kpis.valueAtRisk = valueAtRisk
        }
        self.kpis = kpis
        kpiPeriods = Self.standardPeriods.enumerated().map { position, days in
            (days, allKPIs[1 + 2 * position], allKPIs[2 + 2 * position])
        }
        timer.lap("kpis")
        cohorts = CohortReport(snapshot, until: calibrationEnd)
        timer.lap("cohorts")
        timings = timer.stages
    }

    /// A fit's model and diagnostics, or why there is none.
    private static func attempt<Model>(
        _ fit: () throws(ModelFitError) -> (model: Model, diagnostics: FitDiagnostics)
    ) -> (model: Model?, diagnostics: FitDiagnostics?, error: ModelFitError?) {
        do {
            let result = try fit()
            return (result.model, result.diagnostics, nil)
        } catch {
            return (nil, nil, error)
        }
    }

    public func churnBand(_ customer: Int) -> String? {
        churnRisk[customer].isNaN ? nil : ChurnRisk.band(churnRisk[customer])
    }
}
