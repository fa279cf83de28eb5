import Foundation
import PatronCore
import PatronStore
import SQLKit

/// The parts of a message's scope that depend on its flow: the cart of an abandoned checkout, the
/// product of a browse reminder, the store's favourites, how long the customer has been with us.
enum MessageExtras {
    /// `customerDocument` and `storeURL` are what the composer already read: the customer as the API shows
    /// them, and the store's own URL from its branding.
    static func build(
        template: String, context: JSONValue, customer: Int64?, customerDocument: JSONValue?, storeURL: String?, store: Int64,
        now: Int64, sql: any SQLDatabase
    ) async throws -> [String: JSONValue] {
        var extras: [String: JSONValue] = [:]
        let properties = context["properties"]?.objectValue ?? [:]
        let currency = properties["currency"]?.stringValue.flatMap(Currency.init(code:)) ?? .usd
        if template == "abandoned-checkout" {
            let items = (properties["products"]?.arrayValue ?? []).prefix(20).map { product -> JSONValue in
                .compactObject([
                    "title": product["name"] ?? product["title"] ?? .string("Item"),
                    "quantity": product["quantity"] ?? .int(1),
                    "price": product["price"]?.doubleValue.map { .string(major($0, currency)) },
                ])
            }
            let url = properties["url"]?.stringValue.flatMap(httpURL)
            let total = (properties["total"] ?? properties["value"])?.doubleValue.map { major($0, currency) }
            extras["checkout"] = .compactObject([
                "items": .array(Array(items)), "url": url.map(JSONValue.string), "total": total.map(JSONValue.string),
            ])
        }
        if template == "browse-abandonment" {
            extras["product"] = .compactObject([
                "title": properties["name"] ?? properties["title"],
                "url": properties["url"]?.stringValue.flatMap(httpURL).map(JSONValue.string),
                "imageUrl": properties["image_url"]?.stringValue.flatMap(httpURL).map(JSONValue.string),
                "price": properties["price"]?.doubleValue.map { .string(major($0, currency)) },
            ])
        }
        if template == "product-alert", let productId = context["productExternalId"]?.stringValue {
            extras["product"] = try await alertProduct(
                productId, variant: context["variantExternalId"]?.stringValue, context: context, store: store, sql: sql)
            extras["alert"] = .object([context["alert"]?.stringValue ?? "price_drop": .bool(true)])
        }
        if template == "product-tips", case .int(let orderId) = context["orderId"] ?? .null {
            let tips = try await tips(order: orderId, store: store, sql: sql)
            extras["tips"] = .array(tips)
            extras["hasTips"] = .bool(!tips.isEmpty)
        }
        if template == "replenishment", let productId = context["productExternalId"]?.stringValue {
            extras["product"] = try await alertProduct(productId, variant: nil, context: [:], store: store, sql: sql)
            extras["replenishment"] = .compactObject([
                "typicalDays": context["typicalDays"],
                "lastBought": context["lastBoughtAt"].flatMap {
                    if case .int(let at) = $0 { .string(MessageScope.longDate(Timestamp.date(milliseconds: at))) } else { nil }
                },
            ])
        }
        if ["welcome-favourites", "win-back"].contains(template) {
            let favourites = try await favourites(store: store, now: now, sql: sql)
            extras["favourites"] = .array(favourites)
            extras["hasFavourites"] = .bool(!favourites.isEmpty)
        }
        if let recommendations = try await MessageRecommendations.build(
            template: template, context: context, customer: customer, customerDocument: customerDocument, storeURL: storeURL,
            store: store, now: now, sql: sql)
        {
            extras["recommendations"] = recommendations
        }
        if template == "campaign", case .int(let campaign) = context["campaignId"] ?? .null,
            let content = try await CampaignRepository(sql: sql, storeID: store).find(id: campaign)?.content
        {
            let paragraphs = (content["body"]?.stringValue ?? "").components(separatedBy: "\n\n")
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            extras["campaign"] = .compactObject([
                "subject": content["subject"], "heading": content["heading"],
                "paragraphs": .array(paragraphs.map(JSONValue.string)), "buttonText": content["buttonText"],
                "buttonUrl": content["buttonUrl"],
            ])
        }
        if template == "anniversary", let customer,
            let first = try await sql.raw(
                "SELECT MIN(placed_at) AS first FROM orders WHERE customer_id = \(bind: customer) AND is_placeholder = 0"
            ).first()?.optionalInt("first")
        {
            let years = max(1, Int((Double(now - first) / 31_556_952_000).rounded()))
            extras["yearsWithUs"] = .string(years == 1 ? "One year" : "\(years) years")
        }
        return extras
    }

    /// The merchant's snippets for what the order contains: per product first, then per category.
    static func tips(order: Int64, store: Int64, sql: any SQLDatabase) async throws -> [JSONValue] {
        var products: [String] = []
        var categories: [String] = []
        for row in try await sql.raw(
            """
            SELECT l.product_external_id, p.category FROM order_lines l
            LEFT JOIN products p ON p.store_id = l.store_id AND p.external_id = l.product_external_id
            WHERE l.order_id = \(bind: order) ORDER BY l.position
            """
        ).all() {
            if let product = try row.text("product_external_id"), !products.contains(product) { products.append(product) }
            if let category = try row.text("category"), !categories.contains(category) { categories.append(category) }
        }
        let snippets = try await SnippetRepository(sql: sql, storeID: store).matching(products: products, categories: categories)
        return snippets.prefix(5).map { snippet in
            [
                "title": .string(snippet.title),
                "paragraphs": .array(
                    snippet.body.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                        .filter { !$0.isEmpty }.map(JSONValue.string)),
            ]
        }
    }

    /// The product of a price-drop or back-in-stock alert, with the old and new price.
    static func alertProduct(_ externalId: String, variant: String?, context: JSONValue, store: Int64, sql: any SQLDatabase)
        async throws -> JSONValue
    {
        guard
            let row = try await sql.raw(
                """
                SELECT p.title, p.url, p.image_url, p.currency, v.title AS variant_title, v.price, v.image_url AS variant_image
                FROM products p LEFT JOIN variants v ON v.product_id = p.id AND v.external_id = \(bind: variant)
                WHERE p.store_id = \(bind: store) AND p.external_id = \(bind: externalId)
                """
            ).first()
        else { return .null }
        let currency = try row.text("currency").flatMap(Currency.init(code:)) ?? .usd
        func price(_ value: JSONValue?) -> JSONValue? {
            if case .int(let minor) = value ?? .null { return .string(MoneyText.format(minor, currency: currency)) }
            return nil
        }
        let newPrice = try row.optionalInt("price")
        return .compactObject([
            "title": .string(try row.text("title") ?? "Your pick"),
            "variant": try row.text("variant_title").map(JSONValue.string),
            "url": try row.text("url").flatMap(httpURL).map(JSONValue.string),
            "imageUrl": (try row.text("variant_image") ?? (try row.text("image_url"))).flatMap(httpURL).map(JSONValue.string),
            "price": price(context["newPrice"]) ?? price(JSONValue(newPrice)),
            "oldPrice": price(context["oldPrice"]),
        ])
    }

    /// The three products bought most (by units) in the last 90 days.
    static func favourites(store: Int64, now: Int64, sql: any SQLDatabase) async throws -> [JSONValue] {
        try await sql.raw(
            """
            SELECT l.product_external_id, MAX(l.title) AS title, CAST(SUM(l.quantity) AS BIGINT) AS units,
                MAX(p.url) AS url, MAX(p.title) AS product_title, MAX(o.currency) AS currency, MAX(l.unit_price) AS price
            FROM order_lines l JOIN orders o ON o.id = l.order_id
            LEFT JOIN products p ON p.store_id = l.store_id AND p.external_id = l.product_external_id
            WHERE l.store_id = \(bind: store) AND o.placed_at > \(bind: now - 90 * 86_400_000)
                AND l.product_external_id IS NOT NULL
            GROUP BY l.product_external_id ORDER BY units DESC, l.product_external_id LIMIT 3
            """
        ).all().map { row in
            let currency = try row.text("currency").flatMap(Currency.init(code:)) ?? .usd
            return .compactObject([
                "title": .string(try row.text("product_title") ?? (try row.text("title")) ?? "A favourite"),
                "url": try row.text("url").flatMap(httpURL).map(JSONValue.string),
                "price": try row.optionalInt("price").map { .string(MoneyText.format($0, currency: currency)) },
            ])
        }
    }

    static func major(_ amount: Double, _ currency: Currency) -> String {
        let scale = (0..<currency.minorDigits).reduce(1.0) { value, _ in value * 10 }
        // Event properties are the sender's numbers: anything out of range is shown as nothing, not trapped on.
        guard let minor = Int64(exactly: (amount * scale).rounded()), minor.magnitude < 1 << 53 else { return "" }
        return MoneyText.format(minor, currency: currency)
    }

    static func httpURL(_ text: String) -> String? {
        text.hasPrefix("https://") || text.hasPrefix("http://") ? text : nil
    }
}
