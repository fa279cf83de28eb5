import Foundation

/// The offline protocol of `patron recommend evaluate`: each user with at least two baskets has their
/// last basket (by time, then basket id as a string) held out; models train on everything else. The
/// target is the held-out basket's distinct items. Variant "all items" excludes nothing; variant "new
/// items" removes the user's training items from both the top k and the target, and skips users whose
/// target is then empty. HR@k, Recall@k and NDCG@k are averaged over the users evaluated.
public struct RecommendationEvaluation: Sendable {
    public let train: BasketLog
    public let testUsers: [Int32]
    public let targets: [[Int32]]
    /// Each user's training baskets in time order.
    public let trainingBaskets: [[Int]]

    public init(_ log: BasketLog) {
        let byUser = log.basketsByUser()
        var heldOut = Set<Int>()
        var users: [Int32] = []
        var targets: [[Int32]] = []
        for (user, baskets) in byUser.enumerated() where baskets.count >= 2 {
            let last = baskets[baskets.count - 1]
            heldOut.insert(last)
            users.append(Int32(user))
            targets.append(Array(Set(log.items(of: last))).sorted())
        }
        train = log.filtered { !heldOut.contains($0) }
        testUsers = users
        self.targets = targets
        trainingBaskets = train.basketsByUser()
    }

    public struct Metrics: Sendable, Codable, Equatable {
        public var users: Int
        public var hitRate: Double
        public var recall: Double
        public var ndcg: Double
    }

    /// Scores `rank`'s top-k lists; `rank(user, excluded, k)` must return at most k items, none excluded.
    public func measure(
        k: Int = 10, newItemsOnly: Bool, rank: (Int32, Set<Int32>, Int) -> [Int32]
    ) -> Metrics {
        var hits = 0.0
        var recall = 0.0
        var ndcg = 0.0
        var evaluated = 0
        for (position, user) in testUsers.enumerated() {
            var excluded = Set<Int32>()
            if newItemsOnly {
                for basket in trainingBaskets[Int(user)] { excluded.formUnion(train.items(of: basket)) }
            }
            let target = Set(targets[position].filter { !excluded.contains($0) })
            guard !target.isEmpty else { continue }
            evaluated += 1
            let list = rank(user, excluded, k).prefix(k)
            var found = 0
            var gain = 0.0
            for (place, item) in list.enumerated() where target.contains(item) {
                found += 1
                gain += 1 / log2(Double(place + 2))
            }
            let ideal = (0..<min(target.count, k)).reduce(0.0) { $0 + 1 / log2(Double($1 + 2)) }
            hits += found > 0 ? 1 : 0
            recall += Double(found) / Double(target.count)
            ndcg += gain / ideal
        }
        let count = Double(max(evaluated, 1))
        return Metrics(users: evaluated, hitRate: hits / count, recall: recall / count, ndcg: ndcg / count)
    }
}
