/// Counts of whole-day gaps between orders. Gaps are small integers, so counting them beats sorting
/// millions of values, and quantiles come out exactly as from the sorted list.
struct DayGapHistogram: Sendable {
    private(set) var counts: [Int] = []
    private(set) var total = 0

    mutating func add(_ gap: Int64) {
        let index = Int(gap)
        if index >= counts.count { counts.append(contentsOf: repeatElement(0, count: index - counts.count + 1)) }
        counts[index] += 1
        total += 1
    }

    /// The value at 0-based rank `rank` in the sorted list of gaps.
    private func value(atRank rank: Int) -> Double {
        var seen = 0
        for (gap, count) in counts.enumerated() {
            seen += count
            if rank < seen { return Double(gap) }
        }
        return Double(counts.count - 1)
    }

    /// Linear interpolation between closest ranks (the common "type 7" definition); nil when empty.
    func quantile(_ fraction: Double) -> Double? {
        guard total > 0 else { return nil }
        let position = fraction * Double(total - 1)
        let lower = Int(position)
        let weight = position - Double(lower)
        let low = value(atRank: lower)
        let high = value(atRank: min(lower + 1, total - 1))
        return low * (1 - weight) + high * weight
    }
}
