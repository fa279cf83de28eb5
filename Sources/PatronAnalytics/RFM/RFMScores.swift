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
        "\(recency[index])\(frequency[index])\(monetary[index])"
    }

    /// Scores where higher values are better. Sorting a plain copy and counting strictly smaller values
    /// by binary search is much faster than sorting indexes with a comparator closure.
    static func quintiles(_ values: [Double]) -> [UInt8] {
        let count = values.count
        guard count > 0 else { return [] }
        let sorted = values.sorted()
        return values.map { value in
            var low = 0
            var high = count
            while low < high {
                let middle = (low + high) >> 1
                if sorted[middle] < value { low = middle + 1 } else { high = middle }
            }
            return UInt8(min(5, 1 + 5 * low / count))
        }
    }
}
