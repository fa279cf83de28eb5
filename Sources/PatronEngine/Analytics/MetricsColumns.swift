import PatronAnalytics
import PatronStore

/// The computed-metric attributes of segment rules (`orders.count`, `rfm.segment`, `p_alive`, ...), as
/// columns in snapshot order, from a fresh analysis or from the stored `customer_metrics` rows.
public struct MetricsColumns: Sendable {
    var count: Int
    var ordersCount: [Double]
    var revenue: [Double]
    var firstOrderAt: [Int64]
    var lastOrderAt: [Int64]
    var rfmR: [Double]
    var rfmF: [Double]
    var rfmM: [Double]
    var rfmScore: [String?]
    var rfmSegment: [String?]
    var probabilityAlive: [Double]
    var expectedPurchases: [Double]
    var expectedSpend: [Double]
    var predictedValue: [Double]
    var churnBand: [String?]
    var nextOrderAt: [Int64]

    init(count: Int) {
        self.count = count
        ordersCount = Array(repeating: 0, count: count)
        revenue = Array(repeating: 0, count: count)
        firstOrderAt = Array(repeating: CustomerFacts.missingTime, count: count)
        lastOrderAt = Array(repeating: CustomerFacts.missingTime, count: count)
        rfmR = Array(repeating: .nan, count: count)
        rfmF = Array(repeating: .nan, count: count)
        rfmM = Array(repeating: .nan, count: count)
        rfmScore = Array(repeating: nil, count: count)
        rfmSegment = Array(repeating: nil, count: count)
        probabilityAlive = Array(repeating: .nan, count: count)
        expectedPurchases = Array(repeating: .nan, count: count)
        expectedSpend = Array(repeating: .nan, count: count)
        predictedValue = Array(repeating: .nan, count: count)
        churnBand = Array(repeating: nil, count: count)
        nextOrderAt = Array(repeating: CustomerFacts.missingTime, count: count)
    }

    public init(_ analysis: CustomerAnalysis) {
        self.init(count: analysis.customerCount)
        for customer in 0..<count where analysis.orderCount[customer] > 0 {
            ordersCount[customer] = Double(analysis.orderCount[customer])
            revenue[customer] = analysis.revenue[customer]
            firstOrderAt[customer] = analysis.firstOrderAt[customer]
            lastOrderAt[customer] = analysis.lastOrderAt[customer]
            rfmR[customer] = Double(analysis.recencyScore[customer])
            rfmF[customer] = Double(analysis.frequencyScore[customer])
            rfmM[customer] = Double(analysis.monetaryScore[customer])
            rfmScore[customer] = RFMScores.code(
                r: analysis.recencyScore[customer], f: analysis.frequencyScore[customer], m: analysis.monetaryScore[customer])
            rfmSegment[customer] = analysis.segment[customer]?.rawValue
            probabilityAlive[customer] = analysis.probabilityAlive[customer]
            expectedPurchases[customer] = analysis.expectedPurchases[customer]
            expectedSpend[customer] = analysis.expectedSpend[customer]
            predictedValue[customer] = analysis.predictedValue[customer]
            churnBand[customer] = analysis.churnBand(customer)
            let next = analysis.nextOrderAt[customer]
            nextOrderAt[customer] = next == .min ? CustomerFacts.missingTime : next
        }
    }

    /// From stored rows; money comes back from minor units with `scale` (10^digits of the run's currency).
    init(rows: [CustomerMetricsRow], customerIndex: [Int64: Int], count: Int, scale: Double) {
        self.init(count: count)
        for row in rows {
            guard let customer = customerIndex[row.customerId] else { continue }
            ordersCount[customer] = Double(row.ordersCount)
            revenue[customer] = Double(row.revenue) / scale
            firstOrderAt[customer] = row.firstOrderAt.map { $0 / 1_000 } ?? CustomerFacts.missingTime
            lastOrderAt[customer] = row.lastOrderAt.map { $0 / 1_000 } ?? CustomerFacts.missingTime
            if let rfm = row.rfm {
                rfmR[customer] = Double(rfm.r)
                rfmF[customer] = Double(rfm.f)
                rfmM[customer] = Double(rfm.m)
                rfmScore[customer] = RFMScores.code(r: UInt8(rfm.r), f: UInt8(rfm.f), m: UInt8(rfm.m))
            }
            rfmSegment[customer] = row.rfmSegment
            probabilityAlive[customer] = row.probabilityAlive ?? .nan
            expectedPurchases[customer] = row.expectedPurchases ?? .nan
            expectedSpend[customer] = row.expectedSpend.map { Double($0) / scale } ?? .nan
            predictedValue[customer] = row.predictedValue.map { Double($0) / scale } ?? .nan
            churnBand[customer] = row.churnBand
            nextOrderAt[customer] = row.nextOrderAt.map { $0 / 1_000 } ?? CustomerFacts.missingTime
        }
    }

    public func fill(_ facts: inout CustomerFacts) {
        facts.numbers["orders.count"] = ordersCount
        facts.numbers["orders.total"] = revenue
        facts.numbers["orders.average"] = zip(revenue, ordersCount).map { $1 > 0 ? $0 / $1 : .nan }
        facts.times["first_order_at"] = firstOrderAt
        facts.times["last_order_at"] = lastOrderAt
        facts.numbers["days_since_last_order"] = lastOrderAt.map {
            $0 == CustomerFacts.missingTime ? .nan : Double(facts.now - $0) / 86_400
        }
        facts.numbers["rfm.r"] = rfmR
        facts.numbers["rfm.f"] = rfmF
        facts.numbers["rfm.m"] = rfmM
        facts.strings["rfm.score"] = rfmScore
        facts.strings["rfm.segment"] = rfmSegment
        facts.numbers["p_alive"] = probabilityAlive
        facts.numbers["expected_purchases"] = expectedPurchases
        facts.numbers["expected_spend"] = expectedSpend
        facts.numbers["predicted_clv"] = predictedValue
        facts.strings["churn_risk"] = churnBand
        facts.times["next_order_at"] = nextOrderAt
    }
}
