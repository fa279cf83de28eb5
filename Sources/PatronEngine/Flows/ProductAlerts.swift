import PatronCore
import PatronStore
import SQLKit

/// Price drops and restocks, for the customers who showed interest: they wishlisted the product in
/// the last 180 days or viewed it in the last 30. Each customer hears once per variant and price (a
/// drop) or per restock day.
enum ProductAlerts {
    static func start(
        product: ProductInput, before: [String: (price: Int64?, stock: Int64?)], flows: [LoadedFlow], writer: StoreWriter,
        services: FlowServices
    ) async throws {
        let dropFlows = flows.filter { $0.definition.trigger == .priceDrop }
        let restockFlows = flows.filter { $0.definition.trigger == .backInStock }
        var drops: [(variant: String, from: Int64, to: Int64)] = []
        var restocks: [String] = []
        for variant in product.variants ?? [] {
            guard let old = before[variant.externalId] else { continue }
            if let oldPrice = old.price, let newPrice = variant.price, newPrice < oldPrice {
                drops.append((variant.externalId, oldPrice, newPrice))
            }
            if let oldStock = old.stock, oldStock <= 0, let newStock = variant.stock, newStock > 0 {
                restocks.append(variant.externalId)
            }
        }
        guard (!drops.isEmpty && !dropFlows.isEmpty) || (!restocks.isEmpty && !restockFlows.isEmpty) else { return }
        let customers = try await interested(in: product.externalId, writer: writer)
        let day = writer.now / 86_400_000
        for customer in customers {
            if let drop = drops.max(by: { ($0.from - $0.to) < ($1.from - $1.to) }) {
                for flow in dropFlows {
                    try await FlowEngine.start(
                        flow, customer: customer,
                        triggerKey: "price-drop:\(customer):\(product.externalId):\(drop.variant):\(drop.to)",
                        context: [
                            "productExternalId": .string(product.externalId), "variantExternalId": .string(drop.variant),
                            "alert": "price_drop", "oldPrice": .int(drop.from), "newPrice": .int(drop.to),
                        ], writer: writer, services: services)
                }
            }
            if let variant = restocks.first {
                for flow in restockFlows {
                    try await FlowEngine.start(
                        flow, customer: customer, triggerKey: "back-in-stock:\(customer):\(product.externalId):\(day)",
                        context: [
                            "productExternalId": .string(product.externalId), "variantExternalId": .string(variant),
                            "alert": "back_in_stock",
                        ], writer: writer, services: services)
                }
            }
        }
    }

    static func interested(in productExternalId: String, writer: StoreWriter) async throws -> [Int64] {
        let needle = "%" + JSONValue.string(productExternalId).serialized() + "%"
        return try await writer.sql.raw(
            """
            SELECT DISTINCT customer_id FROM events
            WHERE store_id = \(bind: writer.storeID) AND customer_id IS NOT NULL AND product_ids LIKE \(bind: needle)
                AND ((type = 'Product Added to Wishlist' AND occurred_at >= \(bind: writer.now - 180 * 86_400_000))
                  OR (type = 'Product Viewed' AND occurred_at >= \(bind: writer.now - 30 * 86_400_000)))
            ORDER BY customer_id LIMIT 10000
            """
        ).all().map { try $0.int("customer_id") }
    }
}
