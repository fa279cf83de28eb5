import PatronCore
import SQLKit

extension AnalyticsSource {
    public struct PurchasedLine: Sendable {
        public var id: Int64
        public var orderId: Int64
        public var customerId: Int64
        public var placedAt: Int64
        public var product: String
    }

    /// One page of the lines of orders that count as purchases (as ``orders(after:)``) that name a
    /// product, line ids above `after`, ascending.
    public func purchasedLines(after: Int64) async throws -> [PurchasedLine] {
        try await sql.raw(
            """
            SELECT l.id, l.order_id, o.customer_id, o.placed_at, l.product_external_id
            FROM order_lines l JOIN orders o ON o.id = l.order_id
            WHERE l.store_id = \(bind: storeID) AND l.id > \(bind: after) AND l.product_external_id IS NOT NULL
                AND o.customer_id IS NOT NULL AND o.cancelled_at IS NULL AND o.is_placeholder = 0
                AND o.financial_status <> 'voided'
            ORDER BY l.id LIMIT \(unsafeRaw: String(Self.pageSize))
            """
        ).all().map { row in
            PurchasedLine(
                id: try row.int("id"), orderId: try row.int("order_id"), customerId: try row.int("customer_id"),
                placedAt: try row.int("placed_at"), product: try row.requiredText("product_external_id"))
        }
    }

    public struct CatalogProduct: Sendable {
        public var id: Int64
        public var externalId: String
        public var category: String?
        public var productType: String?
        public var vendor: String?
        public var tags: [String]
        /// Option values of its variants (colour, size, ...).
        public var optionValues: [String]
    }

    /// One page of products with ids above `after`, ascending, with their variants' option values.
    public func catalog(after: Int64) async throws -> [CatalogProduct] {
        var products = try await sql.raw(
            """
            SELECT id, external_id, category, product_type, vendor, tags FROM products
            WHERE store_id = \(bind: storeID) AND id > \(bind: after) ORDER BY id LIMIT \(unsafeRaw: String(Self.pageSize))
            """
        ).all().map { row in
            let tags = (try? JSONParser.parse(try row.requiredText("tags")).arrayValue?.compactMap(\.stringValue)) ?? nil
            return CatalogProduct(
                id: try row.int("id"), externalId: try row.requiredText("external_id"), category: try row.text("category"),
                productType: try row.text("product_type"), vendor: try row.text("vendor"), tags: tags ?? [], optionValues: [])
        }
        guard let first = products.first?.id, let last = products.last?.id else { return products }
        var options: [Int64: Set<String>] = [:]
        for row in try await sql.raw(
            """
            SELECT product_id, options FROM variants WHERE store_id = \(bind: storeID)
                AND product_id BETWEEN \(bind: first) AND \(bind: last)
            """
        ).all() {
            let values = (try? JSONParser.parse(try row.requiredText("options")).objectValue) ?? nil
            for value in values?.values ?? [:].values {
                if let text = value.stringValue { options[try row.int("product_id"), default: []].insert(text) }
            }
        }
        for index in products.indices { products[index].optionValues = (options[products[index].id] ?? []).sorted() }
        return products
    }
}
