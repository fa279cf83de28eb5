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

    /// One query: the products (these, or all of the store's when nil), their variants (cheapest
    /// sellable price, stock) and exclusions.
    static func load(_ externalIds: [String]?, store: Int64, sql: any SQLDatabase) async throws -> [String: ProductCard] {
        if let externalIds, externalIds.isEmpty { return [:] }
        let only: SQLQueryString = externalIds.map { " AND p.external_id IN (\(binds: $0))" } ?? ""
        var cards: [String: ProductCard] = [:]
        var hasVariants: Set<String> = []
        var inStock: Set<String> = []
        for row in try await sql.raw(
            """
            SELECT p.external_id, p.title, p.url, p.image_url, p.currency, p.category, p.status,
                v.price, v.compare_at_price, v.stock, v.image_url AS variant_image, v.id AS variant_id,
                (SELECT COUNT(*) FROM recommendation_exclusions e
                    WHERE e.store_id = p.store_id AND e.product_external_id = p.external_id) AS excluded
            FROM products p LEFT JOIN variants v ON v.product_id = p.id
            WHERE p.store_id = \(bind: store)\(only)
            ORDER BY p.id, v.position, v.id
            """
        ).all() {
            let externalId = try row.requiredText("external_id")
            var card =
                try cards[externalId]
                ?? ProductCard(
                    externalId: externalId, title: try row.text("title") ?? externalId,
                    url: try row.text("url").flatMap(MessageExtras.httpURL),
                    imageUrl: try row.text("image_url").flatMap(MessageExtras.httpURL), price: nil, compareAtPrice: nil,
                    currency: try row.text("currency"), category: try row.text("category"),
                    available: try row.text("status") == "active" && (try row.int("excluded")) == 0)
            if try row.optionalInt("variant_id") != nil {
                hasVariants.insert(externalId)
                let sellable = try row.optionalInt("stock").map { $0 > 0 } ?? true
                if sellable {
                    inStock.insert(externalId)
                    if let price = try row.optionalInt("price"), card.price.map({ price < $0 }) ?? true {
                        card.price = price
                        card.compareAtPrice = try row.optionalInt("compare_at_price")
                    }
                }
                if card.imageUrl == nil { card.imageUrl = try row.text("variant_image").flatMap(MessageExtras.httpURL) }
            }
            cards[externalId] = card
        }
        for externalId in hasVariants.subtracting(inStock) { cards[externalId]?.available = false }
        return cards
    }
}
