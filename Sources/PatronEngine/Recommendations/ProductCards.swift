import PatronCore
import PatronStore
import SQLKit

/// What a recommendation shows of a product (title, link, image, price) and whether it may be shown
/// at all: active, not excluded by the merchant, and in stock (some variant untracked or with stock
/// left, or no variants at all).
struct ProductCard: Sendable {
    var externalId: String
    var title: String
    var url: String?
    var imageUrl: String?
    var price: Int64?
    var compareAtPrice: Int64?
    var currency: String?
    var category: String?
    var available: Bool

    var json: JSONValue {
        .compactObject([
            "product": .string(externalId), "title": .string(title), "url": url.map(JSONValue.string),
            "imageUrl": imageUrl.map(JSONValue.string), "price": price.map(JSONValue.int),
            "compareAtPrice": compareAtPrice.map(JSONValue.int), "currency": currency.map(JSONValue.string),
            "category": category.map(JSONValue.string),
        ])
    }

    static func load(_ externalIds: [String], store: Int64, sql: any SQLDatabase) async throws -> [String: ProductCard] {
        guard !externalIds.isEmpty else { return [:] }
        let excluded = Set(
            try await sql.raw(
                """
                SELECT product_external_id FROM recommendation_exclusions WHERE store_id = \(bind: store)
                    AND product_external_id IN (\(binds: externalIds))
                """
            ).all().map { try $0.requiredText("product_external_id") })
        var cards: [String: ProductCard] = [:]
        var byId: [Int64: String] = [:]
        for row in try await sql.raw(
            """
            SELECT id, external_id, title, url, image_url, currency, category, status FROM products
            WHERE store_id = \(bind: store) AND external_id IN (\(binds: externalIds))
            """
        ).all() {
            let externalId = try row.requiredText("external_id")
            byId[try row.int("id")] = externalId
            cards[externalId] = ProductCard(
                externalId: externalId, title: try row.text("title") ?? externalId,
                url: try row.text("url").flatMap(MessageExtras.httpURL),
                imageUrl: try row.text("image_url").flatMap(MessageExtras.httpURL),
                price: nil, compareAtPrice: nil, currency: try row.text("currency"), category: try row.text("category"),
                available: try row.text("status") == "active" && !excluded.contains(externalId))
        }
        guard !byId.isEmpty else { return cards }
        var inStock: [String: Bool] = [:]
        for row in try await sql.raw(
            """
            SELECT product_id, price, compare_at_price, stock, image_url FROM variants
            WHERE store_id = \(bind: store) AND product_id IN (\(binds: Array(byId.keys))) ORDER BY product_id, position, id
            """
        ).all() {
            guard let externalId = byId[try row.int("product_id")], var card = cards[externalId] else { continue }
            let stock = try row.optionalInt("stock")
            let sellable = stock.map { $0 > 0 } ?? true
            inStock[externalId] = (inStock[externalId] ?? false) || sellable
            if sellable, let price = try row.optionalInt("price"), card.price.map({ price < $0 }) ?? true {
                card.price = price
                card.compareAtPrice = try row.optionalInt("compare_at_price")
            }
            if card.imageUrl == nil { card.imageUrl = try row.text("image_url").flatMap(MessageExtras.httpURL) }
            cards[externalId] = card
        }
        for (externalId, stocked) in inStock where !stocked { cards[externalId]?.available = false }
        return cards
    }
}
