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
        var scored = scores.filter { $0.value > 0 && !excluded($0.key) }.map { (item: $0.key, score: $0.value) }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : popularityRank[Int($0.item)] < popularityRank[Int($1.item)] }
        var result = scored.prefix(k).map(\.item)
        guard fill, result.count < k else { return result }
        let chosen = Set(result)
        for item in byPopularity where !chosen.contains(item) && !excluded(item) {
            result.append(item)
            if result.count == k { break }
        }
        return result
    }
}
