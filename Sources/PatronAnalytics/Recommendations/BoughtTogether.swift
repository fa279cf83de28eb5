/// Frequently bought together: for each item, the items found in the same baskets, with support (share
/// of all baskets holding both), confidence (share of the item's baskets that also hold the other) and
/// lift (confidence over the other item's base rate). Pairs seen in fewer than `minimumBaskets`
/// baskets, or with lift at most 1, are noise and left out; items of the same group (variants of one
/// product) are never paired. The list is ordered by confidence shrunk toward zero for rarely bought
/// items, so one basket holding two rarities does not top the list.
public struct BoughtTogether: Sendable {
    public struct Pair: Sendable, Equatable {
        public var item: Int32
        public var baskets: Int32
        public var support: Double
        public var confidence: Double
        public var lift: Double
    }

    public let pairs: [[Pair]]

    public init(_ log: BasketLog, groups: [Int32]? = nil, limit: Int = 20, minimumBaskets: Int = 2, shrinkage: Double = 10) {
        self.init(
            log, index: ItemBaskets(log), groups: groups, limit: limit, minimumBaskets: minimumBaskets, shrinkage: shrinkage)
    }

    /// With the log's inverted index already built (the model builds it once for every part).
    init(
        _ log: BasketLog, index: ItemBaskets, groups: [Int32]? = nil, limit: Int = 20, minimumBaskets: Int = 2,
        shrinkage: Double = 10
    ) {
        let total = Double(max(log.basketCount, 1))
        var accumulator = SparseAccumulator(size: log.items.count)
        var pairs: [[Pair]] = []
        pairs.reserveCapacity(log.items.count)
        for item in 0..<log.items.count {
            for basket in index.baskets(of: item) {
                for other in log.items(of: Int(basket)) where Int(other) != item { accumulator.add(other, 1) }
            }
            let own = Double(index.count(of: item))
            var list: [(pair: Pair, rank: Double)] = []
            for (other, count) in accumulator.drain() where count >= Double(minimumBaskets) {
                if let groups, groups[item] == groups[Int(other)] { continue }
                let confidence = count / own
                let lift = confidence / (Double(index.count(of: Int(other))) / total)
                guard lift > 1 else { continue }
                let pair = Pair(item: other, baskets: Int32(count), support: count / total, confidence: confidence, lift: lift)
                list.append((pair, count / (own + shrinkage)))
            }
            list.sort { $0.rank != $1.rank ? $0.rank > $1.rank : $0.pair.item < $1.pair.item }
            pairs.append(list.prefix(limit).map(\.pair))
        }
        self.pairs = pairs
    }
}
