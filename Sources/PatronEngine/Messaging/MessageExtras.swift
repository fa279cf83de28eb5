import Foundation
import PatronCore
import PatronStore
import SQLKit

/// The parts of a message's scope that depend on its flow: the cart of an abandoned checkout, the
/// product of a browse reminder, the store's favourites, how long the customer has been with us.
enum MessageExtras {
    static func build(template: String, context: JSONValue, customer: Int64?, store: Int64, now: Int64, sql: any SQLDatabase)
        async throws -> [String: JSONValue]
    {
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
                "title": properties["name"] ?? properties["title"], "url": properties["url"]?.stringValue.flatMap(httpURL).map(JSONValue.string),
                "imageUrl": properties["image_url"]?.stringValue.flatMap(httpURL).map(JSONValue.string),
                "price": properties["price"]?.doubleValue.map { .string(major($0, currency)) },
            ])
        }
        if ["welcome-favourites", "win-back"].contains(template) {
            let favourites = try await favourites(store: store, now: now, sql: sql)
            extras["favourites"] = .array(favourites)
            extras["hasFavourites"] = .bool(!favourites.isEmpty)
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
                "title": .string(try row.text("product_title") ?? row.text("title") ?? "A favourite"),
                "url": try row.text("url").flatMap(httpURL).map(JSONValue.string),
                "price": try row.optionalInt("price").map { .string(MoneyText.format($0, currency: currency)) },
            ])
        }
    }

    static func major(_ amount: Double, _ currency: Currency) -> String {
        let scale = (0..<currency.minorDigits).reduce(1.0) { value, _ in value * 10 }
        return MoneyText.format(Int64((amount * scale).rounded()), currency: currency)
    }

    static func httpURL(_ text: String) -> String? {
        text.hasPrefix("https://") || text.hasPrefix("http://") ? text : nil
    }
}
