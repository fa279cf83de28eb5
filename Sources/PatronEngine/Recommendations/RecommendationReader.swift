import Foundation
import PatronAnalytics
import PatronCore
import PatronStore
import SQLKit

/// Serves a store's recommendations from its last refreshed model, checked against the live catalog
/// on one read connection: products that are inactive, out of stock, excluded by the merchant or (for
/// a customer) on their way to them are left out, and short lists are topped up with best-sellers of
/// the same category, then overall, so no list is empty while anything sells.
public struct RecommendationReader: Sendable {
    public let sql: any SQLDatabase
    public let store: Int64
    public let cache: RecommendationCache

    public init(sql: any SQLDatabase, storeID: Int64, cache: RecommendationCache = .shared) {
        self.sql = sql
        self.store = storeID
        self.cache = cache
    }

    public enum ProductList: String, Sendable, CaseIterable {
        case together, related, similar
    }

    public struct Listing: Sendable {
        public var items: [JSONValue]
        /// When the model was built (epoch ms), nil before the first refresh.
        public var modelBuiltAt: Int64?

        public var json: JSONValue {
            ["data": .array(items), "modelBuiltAt": modelBuiltAt.map { .time(milliseconds: $0) } ?? .null]
        }
    }

    func model() async throws -> RecommendationModel? {
        try await cache.model(store: store, sql: sql)
    }

    /// Nil when the store has no such product (in its catalog or its sales). A product added to the
    /// catalog since the last refresh gets its category's best-sellers (none for `together`).
    public func forProduct(_ product: String, list: ProductList, limit: Int) async throws -> Listing? {
        let model = try await model()
        guard let model, let item = model.index[product] else {
            guard
                let row = try await sql.raw(
                    "SELECT category FROM products WHERE store_id = \(bind: store) AND external_id = \(bind: product)"
                ).first()
            else { return nil }
            guard let model, list != .together else { return Listing(items: [], modelBuiltAt: model.map { $0.builtAt * 1_000 }) }
            let category = try row.text("category").flatMap { model.attributes.categories.firstIndex(of: $0) }.map { Int32($0) }
            return try await present(
                [], model: model, limit: limit, skip: [], fillCategory: category, fill: true, fillOnlyCategory: category != nil)
        }
        let wanted = limit * 3 + 10
        let picks: [RecommendedItem] =
            switch list {
            case .together: model.boughtTogether(with: item, limit: wanted)
            case .related: model.complements(of: [item], limit: wanted)
            case .similar: model.similarItems(to: item, limit: wanted)
            }
        let category = model.attributes.category[Int(item)]
        return try await present(
            picks, model: model, limit: limit, skip: [item], fillCategory: category >= 0 ? category : nil,
            fill: list != .together)
    }

    /// Best-sellers in a category (by name) or overall.
    public func popular(category: String?, limit: Int) async throws -> Listing {
        guard let model = try await model() else { return Listing(items: [], modelBuiltAt: nil) }
        var index: Int32?
        if let category {
            guard let found = model.attributes.categories.firstIndex(of: category) else {
                return Listing(items: [], modelBuiltAt: model.builtAt * 1_000)
            }
            index = Int32(found)
        }
        let picks = model.popular(category: index, limit: limit * 3 + 10)
        return try await present(picks, model: model, limit: limit, skip: [], fillCategory: nil, fill: false)
    }

    public struct CustomerListing: Sendable {
        public var recommendations: Listing
        /// What the customer regularly re-buys and when each is next due.
        public var replenishment: [JSONValue]
    }

    /// Personal picks for a customer from their purchases, views, carts and wishlist; nil when the store
    /// has no such customer.
    public func forCustomer(_ customer: Int64, limit: Int, now: Int64) async throws -> CustomerListing? {
        let history = try await CustomerHistory.load(customer: customer, store: store, now: now, sql: sql)
        // A customer with history exists; only one without needs the lookup.
        if history.purchases.isEmpty && history.interests.isEmpty {
            guard try await exists("customers", id: customer) else { return nil }
        }
        guard let model = try await model() else {
            return CustomerListing(recommendations: Listing(items: [], modelBuiltAt: nil), replenishment: [])
        }
        var interactions: [PersonalRecommender.Interaction] = []
        for purchase in history.purchases {
            guard let item = model.index[purchase.product] else { continue }
            interactions.append(.init(item: item, time: purchase.at / 1_000, signal: .purchase))
        }
        for interest in history.interests {
            guard let item = model.index[interest.product] else { continue }
            interactions.append(.init(item: item, time: interest.at / 1_000, signal: interest.signal))
        }
        let inTransit = Set(history.inTransit.compactMap { model.index[$0] })
        let picks = model.personal.recommend(interactions, limit: limit * 3 + 10) { inTransit.contains($0) }
        // Consumables due from now on, or overdue by less than their interval (or 30 days): anything
        // later overdue has most likely been replaced or bought elsewhere.
        let due = model.reorder.due(purchases: interactions.filter { $0.signal == .purchase }.map { ($0.item, $0.time) })
            .filter { $0.dueAt * 1_000 >= now - max(Int64($0.intervalDays), 30) * 86_400_000 }.prefix(20)
        var dueCards: [String: ProductCard] = [:]
        var listing = try await present(
            picks, model: model, limit: limit, skip: inTransit, fillCategory: nil, fill: true, alsoLoad: due.map(\.item)
        ) { dueCards = $0 }
        let replenishment: [JSONValue] = due.map { entry in
            let product = model.items[Int(entry.item)]
            return [
                "product": .string(product), "title": .string(dueCards[product]?.title ?? product),
                "lastPurchasedAt": .time(milliseconds: entry.lastPurchase * 1_000),
                "intervalDays": .int(Int64(entry.intervalDays)), "basis": .string(entry.personal ? "customer" : "product"),
                "dueAt": .time(milliseconds: entry.dueAt * 1_000), "inTransit": .bool(inTransit.contains(entry.item)),
            ]
        }
        listing.items = listing.items.map { item in
            guard case .object(var object) = item, object["reason"]?["code"] == "buys_again",
                let product = object["product"]?.stringValue, let index = model.index[product],
                let entry = due.first(where: { $0.item == index })
            else { return item }
            let text =
                entry.personal
                ? "You buy this every ~\(entry.intervalDays) days"
                : "Customers usually buy this again after ~\(entry.intervalDays) days"
            object["reason"] = [
                "code": "buys_again", "text": .string(text), "intervalDays": .int(Int64(entry.intervalDays)),
                "dueAt": .time(milliseconds: entry.dueAt * 1_000),
            ]
            return .object(object)
        }
        return CustomerListing(recommendations: listing, replenishment: replenishment)
    }

    /// Complements of what an order bought, for post-purchase messages; nil when the store has no such order.
    public func forOrder(_ order: Int64, limit: Int) async throws -> Listing? {
        guard try await exists("orders", id: order) else { return nil }
        guard let model = try await model() else { return Listing(items: [], modelBuiltAt: nil) }
        let products = try await sql.raw(
            """
            SELECT product_external_id FROM order_lines WHERE store_id = \(bind: store) AND order_id = \(bind: order)
                AND product_external_id IS NOT NULL ORDER BY position
            """
        ).all().map { try $0.requiredText("product_external_id") }
        let items = products.compactMap { model.index[$0] }
        let picks = model.complements(of: items, limit: limit * 3 + 10)
        let category = items.first.map { model.attributes.category[Int($0)] }.flatMap { $0 >= 0 ? $0 : nil }
        return try await present(
            picks, model: model, limit: limit, skip: Set(items), fillCategory: category, fill: true)
    }

    private func exists(_ table: String, id: Int64) async throws -> Bool {
        try await sql.raw(
            "SELECT id FROM \(unsafeRaw: table) WHERE store_id = \(bind: store) AND id = \(bind: id)"
        ).first() != nil
    }

    /// Keeps the first `limit` picks that can be shown, tops up with best-sellers, and renders each with
    /// its product card and reason.
    /// `alsoLoad` items get their cards loaded in the same query, handed to `cards`.
    func present(
        _ picks: [RecommendedItem], model: RecommendationModel, limit: Int, skip: Set<Int32>,
        fillCategory: Int32?, fill: Bool, fillOnlyCategory: Bool = false, alsoLoad: [Int32] = [],
        cards loaded: ([String: ProductCard]) -> Void = { _ in }
    ) async throws -> Listing {
        var candidates = picks.filter { !skip.contains($0.item) }
        if fill {
            let seen = Set(candidates.map(\.item)).union(skip)
            let extra =
                (fillCategory.map { model.popular(category: $0, limit: limit * 2 + 10) } ?? [])
                + (fillOnlyCategory ? [] : model.popular(category: nil, limit: limit * 3 + 10))
            var added = Set<Int32>()
            for pick in extra where !seen.contains(pick.item) && added.insert(pick.item).inserted {
                candidates.append(RecommendedItem(item: pick.item, score: 0, reason: pick.reason))
            }
        }
        // Cards are read a few more than still needed at a time: usually one small query does.
        var items: [JSONValue] = []
        var cards: [String: ProductCard] = [:]
        var next = 0
        var extraLoaded = false
        while items.count < limit && next < candidates.count {
            let batch = candidates[next..<min(candidates.count, next + limit - items.count + 5)]
            next = batch.endIndex
            var wanted = batch.flatMap { [$0.item] + ($0.reason.sourceItem.map { [$0] } ?? []) }
            if !extraLoaded {
                wanted += alsoLoad
                extraLoaded = true
            }
            let ids = Array(Set(wanted.map { model.items[Int($0)] }).subtracting(cards.keys))
            cards.merge(try await cache.cards(ids, store: store, sql: sql)) { _, new in new }
            for pick in batch where items.count < limit {
                let product = model.items[Int(pick.item)]
                guard let card = cards[product], card.available, case .object(var object) = card.json else { continue }
                object["score"] = .double((pick.score * 10_000).rounded() / 10_000)
                object["reason"] = RecommendationReasonText.json(pick.reason, model: model, titles: cards)
                items.append(.object(object))
            }
        }
        if !extraLoaded && !alsoLoad.isEmpty {
            cards.merge(try await cache.cards(alsoLoad.map { model.items[Int($0)] }, store: store, sql: sql)) { _, new in new }
        }
        loaded(cards)
        return Listing(items: items, modelBuiltAt: model.builtAt * 1_000)
    }
}

extension RecommendationReason {
    var sourceItem: Int32? {
        switch self {
        case .relatedTo(let item), .goesWith(let item), .similarTo(let item): item
        case .boughtTogether(let item, _): item
        default: nil
        }
    }
}
