import PatronCore
import PatronStore
import SQLKit

/// The recommended products a message shows (the `recommendations` partial): complements of the order
/// in the thank-you and cross-sell emails, the customer's personal picks in the win-back. A
/// transactional thank-you carries them only for customers who accept marketing email, so it stays a
/// receipt for everyone else. Links go to the product page (tracked like every link in the message).
enum MessageRecommendations {
    static let counts = ["order-thank-you": 3, "cross-sell": 6, "win-back": 3]

    static func build(
        template: String, context: JSONValue, customer: Int64?, customerDocument: JSONValue?, storeURL: String?,
        store: Int64, now: Int64, sql: any SQLDatabase
    ) async throws -> JSONValue? {
        guard let count = counts[template] else { return nil }
        let reader = RecommendationReader(sql: sql, storeID: store)
        var items: [JSONValue] = []
        var heading = "Picked for you"
        var about: String?
        if template == "win-back" {
            guard let customer else { return nil }
            items = try await reader.forCustomer(customer, limit: count, now: now)?.recommendations.items ?? []
        } else {
            guard case .int(let order) = context["orderId"] ?? .null else { return nil }
            if template == "order-thank-you" {
                guard Guardrails.subscribed(customerDocument, to: .email) else { return nil }
            }
            items = try await reader.forOrder(order, limit: count)?.items ?? []
            about = try await firstItemTitle(order: order, sql: sql)
            heading = "Goes well with your order"
        }
        let shown: [JSONValue] = items.compactMap { item in
            guard let url = item["url"]?.stringValue ?? storeURL else { return nil }
            let currency = item["currency"]?.stringValue.flatMap(Currency.init(code:)) ?? .usd
            var price: JSONValue?
            if case .int(let minor) = item["price"] ?? .null { price = .string(MoneyText.format(minor, currency: currency)) }
            return .compactObject([
                "title": item["title"], "url": .string(url), "imageUrl": item["imageUrl"], "price": price,
                "reason": item["reason"]?["text"],
            ])
        }
        let rows = stride(from: 0, to: shown.count, by: 3).map { start -> JSONValue in
            ["items": .array(Array(shown[start..<min(start + 3, shown.count)]))]
        }
        return .compactObject([
            "has": .bool(!shown.isEmpty), "heading": .string(heading), "about": about.map(JSONValue.string),
            "items": .array(shown), "rows": .array(rows), "first": shown.first,
        ])
    }

    static func firstItemTitle(order: Int64, sql: any SQLDatabase) async throws -> String? {
        try await sql.raw(
            """
            SELECT COALESCE(p.title, l.title) AS title FROM order_lines l
            LEFT JOIN products p ON p.store_id = l.store_id AND p.external_id = l.product_external_id
            WHERE l.order_id = \(bind: order) ORDER BY l.position LIMIT 1
            """
        ).first()?.text("title")
    }
}
