extension RecommendationModel {
    /// Items bought in the same baskets as `item`, strongest first, without its own family.
    public func boughtTogether(with item: Int32, limit: Int, excluded: (Int32) -> Bool = { _ in false }) -> [RecommendedItem] {
        guard Int(item) < items.count else { return [] }
        return together[Int(item)].filter { !excluded($0.item) }.prefix(limit).map {
            RecommendedItem(item: $0.item, score: $0.confidence, reason: .boughtTogether(with: item, baskets: $0.baskets))
        }
    }

    /// Complements of a purchase: items bought in the same baskets as its items (by confidence), then
    /// items their neighbour walk reaches (a tenth as much), with items of the same kind as the one
    /// they go with halved (the sharpener for the knife before a second knife), and never the purchased
    /// items or their variants.
    public func complements(of purchase: [Int32], limit: Int, excluded: (Int32) -> Bool = { _ in false })
        -> [RecommendedItem]
    {
        let bought = Set(purchase.filter { Int($0) < items.count })
        let families = Set(bought.map { attributes.family[Int($0)] })
        var scores: [Int32: Double] = [:]
        var source: [Int32: (item: Int32, amount: Double)] = [:]
        func add(_ target: Int32, _ amount: Double, from origin: Int32) {
            guard !families.contains(attributes.family[Int(target)]) else { return }
            let kind = attributes.kind[Int(origin)]
            let adjusted = kind >= 0 && attributes.kind[Int(target)] == kind ? amount * 0.5 : amount
            scores[target, default: 0] += adjusted
            if adjusted > source[target]?.amount ?? 0 { source[target] = (origin, adjusted) }
        }
        for item in bought {
            for pair in together[Int(item)] { add(pair.item, pair.confidence, from: item) }
            let range = neighbours.neighbours(of: Int(item))
            let top = range.isEmpty ? 1 : Double(neighbours.weight[range.lowerBound])
            for slot in range { add(neighbours.item[slot], 0.1 * Double(neighbours.weight[slot]) / top, from: item) }
        }
        return ranking.top(limit, scores: scores, fill: false) { bought.contains($0) || excluded($0) }.map { item in
            RecommendedItem(item: item, score: scores[item] ?? 0, reason: .goesWith(item: source[item]?.item ?? item))
        }
    }

    /// The same kind of thing as `item`: its other variants first, then shared traits.
    public func similarItems(to item: Int32, limit: Int, excluded: (Int32) -> Bool = { _ in false }) -> [RecommendedItem] {
        guard Int(item) < items.count else { return [] }
        let list = similar.lists[Int(item)].filter { !excluded($0) }.prefix(limit)
        return list.enumerated().map { place, other in
            RecommendedItem(item: other, score: 1 / Double(place + 1), reason: .similarTo(item: item))
        }
    }

    /// Best-sellers with recent sales counting more, in one category or overall; never empty while
    /// anything has sold.
    public func popular(category: Int32?, limit: Int, excluded: (Int32) -> Bool = { _ in false }) -> [RecommendedItem] {
        let list: [Int32] =
            if let category, category >= 0, Int(category) < trendingByCategory.count {
                trendingByCategory[Int(category)]
            } else {
                trending
            }
        return list.filter { !excluded($0) }.prefix(limit).enumerated().map { place, item in
            RecommendedItem(item: item, score: 1 / Double(place + 1), reason: .popular(category: category))
        }
    }
}
