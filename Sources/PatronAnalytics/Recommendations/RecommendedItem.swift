/// One recommended item, its score within its list, and why it is there.
public struct RecommendedItem: Sendable, Equatable {
    public var item: Int32
    public var score: Double
    public var reason: RecommendationReason

    public init(item: Int32, score: Double, reason: RecommendationReason) {
        self.item = item
        self.score = score
        self.reason = reason
    }
}

public enum RecommendationReason: Sendable, Equatable {
    /// The customer bought it `times` times.
    case buysAgain(times: Int)
    /// Buyers of `item`, which the customer bought or looked at, buy this too.
    case relatedTo(item: Int32)
    /// Found in the same baskets as `item`.
    case boughtTogether(with: Int32, baskets: Int32)
    /// Completes a purchase of `item`: bought with it, and not the same kind of thing.
    case goesWith(item: Int32)
    /// The same kind of thing as `item`.
    case similarTo(item: Int32)
    /// The customer looked at it, carted it or wished for it.
    case showedInterest(PersonalRecommender.Signal)
    /// A best-seller, in `category` when given.
    case popular(category: Int32?)
}
