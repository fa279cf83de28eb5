/// Turns sparse scores into a top-k list: highest score first, ties broken by global popularity, then
/// by item key; items without a score fill the rest in popularity order. `excluded` items never appear.
public struct ItemRanking: Sendable {
    /// Items from most to least popular (ties by key), and each item's place in that order.
    public let byPopularity: [Int32]
    public let popularityRank: [Int32]

    public init(popularity: [Double], keys: [String]) {
        let order = popularity.indices.sorted {
            popularity[$0] != popularity[$1] ? popularity[$0] > popularity[$1] : keys[$0] < keys[$1]
        }
        self.init(byPopularity: order.map { Int32($0) })
    }

    /// From a stored order (a permutation of the items).
    public init(byPopularity: [Int32]) {
        self.byPopularity = byPopularity
        var rank = [Int32](repeating: 0, count: byPopularity.count)
        for (place, item) in byPopularity.enumerated() { rank[Int(item)] = Int32(place) }
        popularityRank = rank
    }

    public func top(
        _ k: Int, scores: [Int32: Double], fill: Bool = true, excluded: (Int32) -> Bool = { _ in false }
    ) -> [Int32] {
        // Keep the best k in a small sorted buffer: one pass, no sort of every scored item.
        func before(_ left: (item: Int32, score: Double), _ right: (item: Int32, score: Double)) -> Bool {
            left.score != right.score
                ? left.score > right.score : popularityRank[Int(left.item)] < popularityRank[Int(right.item)]
        }
        var best: [(item: Int32, score: Double)] = []
        best.reserveCapacity(k + 1)
        for (item, score) in scores where score > 0 {
            let candidate = (item: item, score: score)
            if best.count == k, let last = best.last, !before(candidate, last) { continue }
            guard !excluded(item) else { continue }
            let place = best.firstIndex { before(candidate, $0) } ?? best.count
            best.insert(candidate, at: place)
            if best.count > k { best.removeLast() }
        }
        var result = best.map(\.item)
        guard fill, result.count < k else { return result }
        let chosen = Set(result)
        for item in byPopularity where !chosen.contains(item) && !excluded(item) {
            result.append(item)
            if result.count == k { break }
        }
        return result
    }
}
