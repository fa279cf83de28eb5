import Foundation

/// Each item's closest items by what is bought with it, as sparse rows: item `i`'s neighbours are
/// `item[start[i] ..< start[i + 1]]` with `weight` in the same places, strongest first.
///
/// The weights are a time-weighted RP3β walk (Paudel et al., 2017; Dacrema et al., 2019) on the
/// item-basket graph: from item i to one of its baskets with probability proportional to the basket's
/// recency weight, then to one of that basket's items uniformly, each step raised to α; the arrival
/// is divided by the destination's recency-weighted degree to the power β, so best-sellers do not
/// crowd out everything else.
public struct ItemNeighbours: Sendable {
    public let start: [Int]
    public let item: [Int32]
    public let weight: [Float]

    public init(start: [Int], item: [Int32], weight: [Float]) {
        self.start = start
        self.item = item
        self.weight = weight
    }

    public func neighbours(of item: Int) -> Range<Int> { start[item]..<start[item + 1] }

    /// `basketWeight[b]` is basket b's recency weight; `degree[i]` the sum of those over i's baskets.
    static func walk(
        _ log: BasketLog, index: ItemBaskets, basketWeight: [Double], degree: [Double], alpha: Double, beta: Double,
        limit: Int
    ) -> ItemNeighbours {
        let itemCount = log.items.count
        let penalty = degree.map { $0 > 0 ? 1 / pow($0, beta) : 0 }
        let basketStep = (0..<log.basketCount).map { pow(1 / Double(max(1, log.items(of: $0).count)), alpha) }
        var accumulator = SparseAccumulator(size: itemCount)
        var start = [0]
        start.reserveCapacity(itemCount + 1)
        var items: [Int32] = []
        var weights: [Float] = []
        for source in 0..<itemCount {
            let total = degree[source]
            if total > 0 {
                for basket in index.baskets(of: source) {
                    let step = pow(basketWeight[Int(basket)] / total, alpha) * basketStep[Int(basket)]
                    guard step > 0 else { continue }
                    for other in log.items(of: Int(basket)) where Int(other) != source { accumulator.add(other, step) }
                }
            }
            var row = accumulator.drain().map { (item: $0.item, value: $0.value * penalty[Int($0.item)]) }
            if row.count > limit {
                row.sort { $0.value != $1.value ? $0.value > $1.value : $0.item < $1.item }
                row.removeLast(row.count - limit)
            } else {
                row.sort { $0.value != $1.value ? $0.value > $1.value : $0.item < $1.item }
            }
            for entry in row {
                items.append(entry.item)
                weights.append(Float(entry.value))
            }
            start.append(items.count)
        }
        return ItemNeighbours(start: start, item: items, weight: weights)
    }
}
