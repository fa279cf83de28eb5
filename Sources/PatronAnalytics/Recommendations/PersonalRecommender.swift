import Foundation

/// What one customer is likely to buy next, from their whole history with the store ("TR3", see
/// docs/recommendations.md):
/// - own[i] = h[i] · p[i]^γ, where h[i] sums `basketDecay^k` over the customer's baskets holding i
///   (k = baskets since; the latest counts 1) and p[i] is the item's recent popularity: what they buy
///   again, led by what is in season;
/// - related[j] = Σ h[i] · W[i][j] over the item neighbours W: what is bought with what they buy;
/// - score = own / max(own) + λ · related / max(related).
/// Views, carts and wishlists add to h with smaller weights. Every item carries the reason it won.
public struct PersonalRecommender: Sendable {
    public struct Parameters: Sendable, Equatable {
        /// Weight of a basket `k` baskets ago: `basketDecay^k`.
        public var basketDecay: Double = 0.8
        /// γ: how much recent popularity orders the customer's own items.
        public var popularityExponent: Double = 0.5
        /// λ: weight of the neighbours' score against the customer's own items.
        public var relatedWeight: Double = 0.1
        /// Interest from non-purchase signals, relative to one purchase in the latest basket.
        public var cartWeight: Double = 0.5
        public var wishlistWeight: Double = 0.4
        public var viewWeight: Double = 0.2
        public init() {}
    }

    public enum Signal: Sendable { case purchase, cart, wishlist, view }

    /// How much purchase history a recommendation reads: the latest orders, and at most so many lines
    /// of them. With a basket decay of 0.8 an order 20 orders back weighs 0.8^20 ≈ 0.01; the cap keeps
    /// a wholesale buyer's request as fast as anyone's. The offline evaluation cuts histories alike.
    public static let historyOrders = 12
    public static let historyLines = 300

    public struct Interaction: Sendable {
        public var item: Int32
        public var time: Int64
        public var signal: Signal
        public init(item: Int32, time: Int64, signal: Signal) {
            self.item = item
            self.time = time
            self.signal = signal
        }
    }

    private struct PurchaseKey: Hashable {
        let item: Int32
        let time: Int64
    }

    public let neighbours: ItemNeighbours
    public let ranking: ItemRanking
    /// p: recent popularity per item, the best-seller at 1.
    public let recentPopularity: [Float]
    public let parameters: Parameters

    public init(neighbours: ItemNeighbours, ranking: ItemRanking, recentPopularity: [Float], parameters: Parameters) {
        self.neighbours = neighbours
        self.ranking = ranking
        self.recentPopularity = recentPopularity
        self.parameters = parameters
    }

    /// The top `limit` picks; `excluded` items never appear, and the list is topped up with popular
    /// items only when `fill` is set.
    public func recommend(
        _ history: [Interaction], limit: Int, fill: Bool = false, excluded: (Int32) -> Bool = { _ in false }
    ) -> [RecommendedItem] {
        let basketTimes = Array(Set(history.lazy.filter { $0.signal == .purchase }.map(\.time))).sorted()
        var age: [Int64: Int] = [:]
        for (index, time) in basketTimes.enumerated() { age[time] = basketTimes.count - 1 - index }
        var interest: [Int32: Double] = [:]
        var purchases: [Int32: Int] = [:]
        var latestSignal: [Int32: Signal] = [:]
        var seenPurchases = Set<PurchaseKey>()
        for entry in history {
            // Two lines of one order for the same product are one purchase.
            if entry.signal == .purchase, !seenPurchases.insert(PurchaseKey(item: entry.item, time: entry.time)).inserted {
                continue
            }
            let weight: Double =
                switch entry.signal {
                case .purchase: pow(parameters.basketDecay, Double(age[entry.time] ?? 0))
                case .cart: parameters.cartWeight
                case .wishlist: parameters.wishlistWeight
                case .view: parameters.viewWeight
                }
            interest[entry.item, default: 0] += weight
            if entry.signal == .purchase {
                purchases[entry.item, default: 0] += 1
            } else {
                latestSignal[entry.item] = entry.signal
            }
        }
        var own: [Int32: Double] = [:]
        for (item, value) in interest {
            let popularity = Int(item) < recentPopularity.count ? Double(recentPopularity[Int(item)]) : 0
            own[item] = value * pow(popularity, parameters.popularityExponent)
        }
        // Dense rows: a heavy customer touches most of the catalog, where dictionaries would dominate.
        let itemCount = neighbours.start.count - 1
        var related = [Double](repeating: 0, count: itemCount)
        var strongestSource = [Int32](repeating: -1, count: itemCount)
        var strongestAmount = [Double](repeating: 0, count: itemCount)
        var touched: [Int32] = []
        for (source, amount) in interest where Int(source) < itemCount {
            for slot in neighbours.neighbours(of: Int(source)) {
                let target = Int(neighbours.item[slot])
                let contribution = amount * Double(neighbours.weight[slot])
                if related[target] == 0 { touched.append(Int32(target)) }
                related[target] += contribution
                if contribution > strongestAmount[target] {
                    strongestAmount[target] = contribution
                    strongestSource[target] = source
                }
            }
        }
        let ownTop = own.values.max() ?? 0
        let relatedTop = touched.reduce(0.0) { max($0, related[Int($1)]) }
        var scores: [Int32: Double] = [:]
        scores.reserveCapacity(own.count + touched.count)
        if ownTop > 0 { for (item, value) in own { scores[item] = value / ownTop } }
        if relatedTop > 0 {
            for item in touched { scores[item, default: 0] += parameters.relatedWeight * related[Int(item)] / relatedTop }
        }
        return ranking.top(limit, scores: scores, fill: fill, excluded: excluded).map { item in
            let ownShare = ownTop > 0 ? (own[item] ?? 0) / ownTop : 0
            let relatedValue = Int(item) < itemCount ? related[Int(item)] : 0
            let relatedShare = relatedTop > 0 ? parameters.relatedWeight * relatedValue / relatedTop : 0
            let reason: RecommendationReason =
                if ownShare > 0 && ownShare >= relatedShare, let count = purchases[item] {
                    .buysAgain(times: count)
                } else if ownShare > 0 && ownShare >= relatedShare, let signal = latestSignal[item] {
                    .showedInterest(signal)
                } else if Int(item) < itemCount, strongestSource[Int(item)] >= 0 {
                    .relatedTo(item: strongestSource[Int(item)])
                } else {
                    .popular(category: nil)
                }
            return RecommendedItem(item: item, score: scores[item] ?? 0, reason: reason)
        }
    }
}
