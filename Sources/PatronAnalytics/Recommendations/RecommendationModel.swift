import Foundation

/// Everything the recommendations of one store are served from, built from its baskets and catalog by
/// the analytics refresh: item neighbours for personal and related picks, bought-together pairs,
/// similar items, best-sellers overall and per category (recent sales count more), and reorder
/// intervals. Items are the store's products (or a file's item ids), by dense index.
public struct RecommendationModel: Sendable {
    public struct Options: Sendable {
        public var neighbourLimit = 100
        public var togetherLimit = 20
        public var similarLimit = 20
        /// τ: a basket's weight is exp(-age in days / τ) in recent popularity and in the neighbour walk.
        public var recencyDays = 21.0
        /// α and β of the neighbour walk (see ``ItemNeighbours``).
        public var alpha = 0.7
        public var beta = 0.15
        public var personal = PersonalRecommender.Parameters()
        public init() {}
    }

    public let items: [String]
    public let attributes: ItemAttributes
    /// Baskets holding each item: the tie-breaker and the fill of every list.
    public let ranking: ItemRanking
    /// Recent popularity per item (baskets weighted by recency), the best-seller at 1.
    public let recentPopularity: [Float]
    /// Best-sellers by recent popularity, overall and per category index.
    public let trending: [Int32]
    public let trendingByCategory: [[Int32]]
    public let neighbours: ItemNeighbours
    public let together: [[BoughtTogether.Pair]]
    public let similar: SimilarItems
    public let reorder: ReorderIntervals
    public let builtAt: Int64
    public let parameters: PersonalRecommender.Parameters
    public let index: [String: Int32]

    public var personal: PersonalRecommender {
        PersonalRecommender(neighbours: neighbours, ranking: ranking, recentPopularity: recentPopularity, parameters: parameters)
    }

    public init(
        items: [String], attributes: ItemAttributes, ranking: ItemRanking, recentPopularity: [Float], trending: [Int32],
        trendingByCategory: [[Int32]],
        neighbours: ItemNeighbours, together: [[BoughtTogether.Pair]], similar: SimilarItems, reorder: ReorderIntervals,
        builtAt: Int64, parameters: PersonalRecommender.Parameters
    ) {
        self.items = items
        self.attributes = attributes
        self.ranking = ranking
        self.recentPopularity = recentPopularity
        self.trending = trending
        self.trendingByCategory = trendingByCategory
        self.neighbours = neighbours
        self.together = together
        self.similar = similar
        self.reorder = reorder
        self.builtAt = builtAt
        self.parameters = parameters
        self.index = Dictionary(items.enumerated().map { ($1, Int32($0)) }) { first, _ in first }
    }

    /// Builds every part from `log` (items of `attributes` are the log's items) as of `now` (epoch seconds).
    public var itemsWithNeighbours: Int { (0..<items.count).count { !neighbours.neighbours(of: $0).isEmpty } }

    public static func build(_ log: BasketLog, attributes: ItemAttributes, now: Int64, options: Options = Options())
        -> RecommendationModel
    {
        let itemCount = log.items.count
        var baskets = [Double](repeating: 0, count: itemCount)
        var degree = [Double](repeating: 0, count: itemCount)
        var basketWeight = [Double](repeating: 0, count: log.basketCount)
        for basket in 0..<log.basketCount {
            let ageDays = Double(max(0, now - log.basketTime[basket])) / 86_400
            basketWeight[basket] = exp(-ageDays / options.recencyDays)
            for item in log.items(of: basket) {
                baskets[Int(item)] += 1
                degree[Int(item)] += basketWeight[basket]
            }
        }
        let topDegree = degree.max() ?? 0
        let recentPopularity = degree.map { topDegree > 0 ? Float($0 / topDegree) : 0 }
        let ranking = ItemRanking(popularity: baskets, keys: log.items)
        let trending = ItemRanking(popularity: degree.indices.map { degree[$0] + baskets[$0] * 1e-9 }, keys: log.items)
            .byPopularity.filter { baskets[Int($0)] > 0 }
        var byCategory = [[Int32]](repeating: [], count: attributes.categories.count)
        for item in trending where attributes.category[Int(item)] >= 0 {
            byCategory[Int(attributes.category[Int(item)])].append(item)
        }
        let index = ItemBaskets(log)
        let neighbours = ItemNeighbours.walk(
            log, index: index, basketWeight: basketWeight, degree: degree, alpha: options.alpha, beta: options.beta,
            limit: options.neighbourLimit)
        return RecommendationModel(
            items: log.items, attributes: attributes, ranking: ranking, recentPopularity: recentPopularity, trending: trending,
            trendingByCategory: byCategory, neighbours: neighbours,
            together: BoughtTogether(log, index: index, groups: attributes.family, limit: options.togetherLimit).pairs,
            similar: SimilarItems(attributes, ranking: ranking, limit: options.similarLimit), reorder: ReorderIntervals(log),
            builtAt: now, parameters: options.personal)
    }

    /// One user's purchases in `log` as a history for ``PersonalRecommender``.
    /// One user's purchases in `log` (their baskets in time order) as a history for
    /// ``PersonalRecommender``, cut as a store's is: the latest `orders` baskets, at most `lines` items.
    public static func history(
        of baskets: [Int], in log: BasketLog, orders: Int = PersonalRecommender.historyOrders,
        lines: Int = PersonalRecommender.historyLines
    ) -> [PersonalRecommender.Interaction] {
        var history: [PersonalRecommender.Interaction] = []
        for basket in baskets.suffix(orders).reversed() {
            for item in log.items(of: basket) {
                guard history.count < lines else { return history }
                history.append(PersonalRecommender.Interaction(item: item, time: log.basketTime[basket], signal: .purchase))
            }
        }
        return history
    }
}
