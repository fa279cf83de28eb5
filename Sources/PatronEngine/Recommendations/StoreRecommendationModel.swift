import Foundation
import PatronAnalytics
import PatronCore
import PatronStore

/// Builds a store's recommendation model from its catalog (every product is an item, sold or not) and
/// the lines of its purchases (one basket per order), as the analytics refresh does.
public struct StoreRecommendationModel: Sendable {
    public let database: Database
    public let store: Int64

    public init(database: Database, store: Int64) {
        self.database = database
        self.store = store
    }

    /// `now` in epoch seconds.
    public func build(now: Int64) async throws -> RecommendationModel {
        var builder = BasketLogBuilder()
        var catalog: [Int32: AnalyticsSource.CatalogProduct] = [:]
        try await forEachKeysetPage(size: AnalyticsSource.pageSize, key: \.id) { after in
            try await database.read { try await AnalyticsSource(sql: $0, storeID: store).catalog(after: after) }
        } _: { products in
            for product in products { catalog[builder.register(item: product.externalId)] = product }
        }
        try await forEachKeysetPage(size: AnalyticsSource.pageSize, key: \.id) { after in
            try await database.read { try await AnalyticsSource(sql: $0, storeID: store).purchasedLines(after: after) }
        } _: { lines in
            for line in lines {
                builder.append(
                    user: String(line.customerId), basket: String(line.orderId), time: line.placedAt / 1_000, item: line.product)
            }
        }
        let log = builder.build()
        return RecommendationModel.build(log, attributes: Self.attributes(log.items, catalog: catalog), now: now)
    }

    /// Each product its own family (its variants are inside it); kind = product type, else category.
    static func attributes(_ items: [String], catalog: [Int32: AnalyticsSource.CatalogProduct]) -> ItemAttributes {
        var kinds: [String: Int32] = [:]
        var categories: [String] = []
        var categoryIndex: [String: Int32] = [:]
        var attributes = ItemAttributes.unknown(count: items.count)
        for item in items.indices {
            guard let product = catalog[Int32(item)] else { continue }
            let category = product.category?.trimmingCharacters(in: .whitespaces).nonEmpty
            if let category {
                if categoryIndex[category] == nil {
                    categoryIndex[category] = Int32(categories.count)
                    categories.append(category)
                }
                attributes.category[item] = categoryIndex[category] ?? -1
            }
            if let kind = product.productType?.trimmingCharacters(in: .whitespaces).nonEmpty.map({ "type:\($0.lowercased())" })
                ?? category.map({ "category:\($0.lowercased())" })
            {
                if kinds[kind] == nil { kinds[kind] = Int32(kinds.count) }
                attributes.kind[item] = kinds[kind] ?? -1
            }
            attributes.traits[item] = Array(
                Set((product.tags + product.optionValues + [product.vendor].compactMap { $0 }).map { $0.lowercased() }))
        }
        attributes.categories = categories
        return attributes
    }
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
