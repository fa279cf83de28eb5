/// Recency, frequency and monetary scores from 1 to 5 by quintiles of the store's buyers.
///
/// Ties: a score is 1 + ⌊5 · (buyers with a strictly worse value) / buyers⌋, so equal values always
/// get equal scores and the result does not depend on input order. With many one-order customers,
/// F = 1 is simply a large quintile.
public struct RFMScores: Sendable {
    public let recency: [UInt8]
    public let frequency: [UInt8]
    public let monetary: [UInt8]

    public var count: Int { recency.count }

    /// `daysSinceLastOrder` (lower is better), `orderCount` and `revenue` (higher is better), one per buyer.
    public init(daysSinceLastOrder: [Double], orderCount: [Double], revenue: [Double]) {
        recency = Self.quintiles(daysSinceLastOrder.map { -$0 })
        frequency = Self.quintiles(orderCount)
        monetary = Self.quintiles(revenue)
    }

    public func segment(_ index: Int) -> RFMSegment {
        RFMSegment.classify(r: Int(recency[index]), f: Int(frequency[index]), m: Int(monetary[index]))
    }

    public func code(_ index: Int) -> String {
        Self.code(r: recency[index], f: frequency[index], m: monetary[index])
    }

    /// Scores where higher values are better. 1 + ⌊5·less/n⌋ ≥ k + 1 exactly when the value exceeds the
    /// order statistic at rank ⌈k·n/5⌉ − 1, so four thresholds from one sorted copy score every value.
    static func quintiles(_ values: [Double]) -> [UInt8] {
        let count = values.count
        guard count > 0 else { return [] }
        let sorted = values.sorted()
        let thresholds = (1...4).map { sorted[max(0, ($0 * count + 4) / 5 - 1)] }
        return values.map { value in
            var score: UInt8 = 1
            for threshold in thresholds where value > threshold { score += 1 }
            return score
        }
    }

    /// "RFM" codes such as "545", built once: formatting a string per customer is slow at a million.
    public static let codes: [String] = (0..<216).map { "\($0 / 36)\($0 / 6 % 6)\($0 % 6)" }

    public static func code(r: UInt8, f: UInt8, m: UInt8) -> String {
        codes[Int(r) * 36 + Int(f) * 6 + Int(m)]
    }
}
