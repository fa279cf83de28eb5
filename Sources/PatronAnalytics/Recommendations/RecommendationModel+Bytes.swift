extension RecommendationModel {
    static let formatVersion: Int64 = 1

    /// The model as bytes, for storage; ``init(bytes:)`` reads them back.
    public func encoded() -> [UInt8] {
        var writer = ModelBytesWriter()
        writer.int64(Self.formatVersion)
        writer.int64(builtAt)
        for value in [
            parameters.basketDecay, parameters.popularityExponent, parameters.relatedWeight, parameters.cartWeight,
            parameters.wishlistWeight, parameters.viewWeight,
        ] {
            writer.double(value)
        }
        writer.strings(items)
        writer.int32s(attributes.family)
        writer.int32s(attributes.kind)
        writer.int32s(attributes.category)
        writer.strings(attributes.categories)
        writer.int32s(ranking.byPopularity)
        writer.floats(recentPopularity)
        writer.int32s(trending)
        writer.nested(trendingByCategory)
        writer.int32s(neighbours.start.map { Int32($0) })
        writer.int32s(neighbours.item)
        writer.floats(neighbours.weight)
        writer.nested(together.map { $0.map(\.item) })
        writer.nested(together.map { $0.map(\.baskets) })
        writer.floats(together.flatMap { $0.flatMap { [Float($0.support), Float($0.confidence), Float($0.lift)] } })
        writer.nested(similar.lists)
        writer.int32s(reorder.typicalDays)
        return writer.bytes
    }

    public init(bytes: [UInt8]) throws {
        var reader = ModelBytesReader(bytes)
        guard try reader.int64() == Self.formatVersion else { throw ModelBytesReader.Malformed() }
        let builtAt = try reader.int64()
        var parameters = PersonalRecommender.Parameters()
        parameters.basketDecay = try reader.double()
        parameters.popularityExponent = try reader.double()
        parameters.relatedWeight = try reader.double()
        parameters.cartWeight = try reader.double()
        parameters.wishlistWeight = try reader.double()
        parameters.viewWeight = try reader.double()
        let items = try reader.strings()
        let count = items.count
        let family = try reader.int32s()
        let kind = try reader.int32s()
        let category = try reader.int32s()
        let categories = try reader.strings()
        let byPopularity = try reader.int32s()
        let recentPopularity = try reader.floats()
        let trending = try reader.int32s()
        let trendingByCategory = try reader.nested()
        let start = try reader.int32s().map { Int($0) }
        let neighbourItems = try reader.int32s()
        let neighbourWeights = try reader.floats()
        let togetherItems = try reader.nested()
        let togetherBaskets = try reader.nested()
        let togetherRatios = try reader.floats()
        let similar = try reader.nested()
        let typicalDays = try reader.int32s()
        func valid(_ values: [Int32], below limit: Int) -> Bool { values.allSatisfy { $0 >= 0 && Int($0) < limit } }
        guard reader.isAtEnd,
            [family.count, kind.count, category.count, typicalDays.count, recentPopularity.count].allSatisfy({ $0 == count }),
            Set(byPopularity).count == count, valid(byPopularity, below: count), valid(trending, below: count),
            valid(family, below: count), category.allSatisfy({ $0 >= -1 && Int($0) < categories.count }),
            trendingByCategory.count == categories.count, trendingByCategory.allSatisfy({ valid($0, below: count) }),
            start.count == count + 1, start.first == 0, start.last == neighbourItems.count,
            zip(start, start.dropFirst()).allSatisfy({ $0 <= $1 }), neighbourWeights.count == neighbourItems.count,
            valid(neighbourItems, below: count), togetherItems.count == count,
            togetherBaskets.map(\.count) == togetherItems.map(\.count), togetherItems.allSatisfy({ valid($0, below: count) }),
            togetherRatios.count == 3 * togetherItems.reduce(0, { $0 + $1.count }), similar.count == count,
            similar.allSatisfy({ valid($0, below: count) })
        else { throw ModelBytesReader.Malformed() }
        var ratio = 0
        let together = zip(togetherItems, togetherBaskets).map { items, baskets in
            zip(items, baskets).map { item, basketCount -> BoughtTogether.Pair in
                defer { ratio += 3 }
                return BoughtTogether.Pair(
                    item: item, baskets: basketCount, support: Double(togetherRatios[ratio]),
                    confidence: Double(togetherRatios[ratio + 1]), lift: Double(togetherRatios[ratio + 2]))
            }
        }
        self.init(
            items: items,
            attributes: ItemAttributes(
                family: family, kind: kind, category: category, categories: categories, traits: .init(repeating: [], count: count)
            ),
            ranking: ItemRanking(byPopularity: byPopularity), recentPopularity: recentPopularity, trending: trending,
            trendingByCategory: trendingByCategory,
            neighbours: ItemNeighbours(start: start, item: neighbourItems, weight: neighbourWeights), together: together,
            similar: SimilarItems(lists: similar), reorder: ReorderIntervals(typicalDays: typicalDays), builtAt: builtAt,
            parameters: parameters)
    }
}
