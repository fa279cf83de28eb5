import RealModule

/// Per-customer predictions from the fitted models, in columns indexed like the snapshot's customers
/// (NaN / `Int64.min` where there is no prediction).
///
/// Lifetime value follows the `lifetimes` package: the horizon is cut into 30-day steps, the expected
/// purchases in each step (for a customer still alive) are valued at the expected spend per order and
/// discounted to today, then weighted by P(alive). The purchases-if-alive curve depends on (x, T)
/// only, so it is computed once per distinct pair and shared.
struct CustomerPredictions {
    var probabilityAlive: [Double]
    var expectedPurchases: [Double]
    var expectedSpend: [Double]
    var predictedValue: [Double]
    var valueIfAlive: [Double]
    var churnRisk: [Double]
    var nextOrderAt: [Int64]

    private struct CurveKey: Hashable {
        var frequency: Int
        var age: Double
    }

    init(
        summary: PurchaseSummary, customerCount: Int, purchaseModel: BetaGeometricNBD?, spendModel: GammaGamma?,
        revenue: [Double], orderCount: [Int32], options: AnalysisOptions, calibrationEndDay: Int64
    ) {
        probabilityAlive = [Double](repeating: .nan, count: customerCount)
        expectedPurchases = [Double](repeating: .nan, count: customerCount)
        expectedSpend = [Double](repeating: .nan, count: customerCount)
        predictedValue = [Double](repeating: .nan, count: customerCount)
        valueIfAlive = [Double](repeating: .nan, count: customerCount)
        churnRisk = [Double](repeating: .nan, count: customerCount)
        nextOrderAt = [Int64](repeating: .min, count: customerCount)

        for buyer in 0..<summary.count {
            let customer = Int(summary.customer[buyer])
            let x = summary.frequency[buyer]
            if let spendModel, spendModel.populationMeanSpend != nil {
                expectedSpend[customer] = spendModel.expectedSpend(frequency: x, monetary: summary.monetary[buyer])
            } else {
                expectedSpend[customer] = revenue[customer] / Double(max(orderCount[customer], 1))
            }
        }
        guard let model = purchaseModel else { return }

        let horizon = Double(options.horizonDays)
        let stepEnds = Swift.stride(from: 30.0, to: horizon, by: 30).map { $0 } + [horizon]
        let discounts = stepEnds.map { Double.pow(1 + options.annualDiscountRate, -$0 / 365) }
        let now = (calibrationEndDay + 1) * 86_400
        var curves: [CurveKey: (horizon: Double, discounted: Double)] = [:]
        for buyer in 0..<summary.count {
            let customer = Int(summary.customer[buyer])
            let x = summary.frequency[buyer]
            let recency = summary.recency[buyer]
            let age = summary.age[buyer]
            let key = CurveKey(frequency: x, age: age)
            let curve: (horizon: Double, discounted: Double)
            if let cached = curves[key] {
                curve = cached
            } else {
                var previous = 0.0
                var discounted = 0.0
                for (end, discount) in zip(stepEnds, discounts) {
                    let cumulative = model.expectedPurchasesIfAlive(within: end, frequency: x, age: age)
                    discounted += (cumulative - previous) * discount
                    previous = cumulative
                }
                curve = (previous, discounted)
                curves[key] = curve
            }
            let alive = model.probabilityAlive(frequency: x, recency: recency, age: age)
            probabilityAlive[customer] = alive
            expectedPurchases[customer] = alive * curve.horizon
            valueIfAlive[customer] = curve.discounted * expectedSpend[customer]
            predictedValue[customer] = alive * valueIfAlive[customer]
            churnRisk[customer] =
                1
                - model.probabilityOfPurchase(
                    within: CustomerAnalysis.ChurnRisk.lookaheadDays, frequency: x, recency: recency, age: age)
            if let wait = model.medianTimeToNextPurchase(frequency: x, recency: recency, age: age), wait < 3 * 365 {
                nextOrderAt[customer] = now + Int64((wait * 86_400).rounded())
            }
        }
    }
}
