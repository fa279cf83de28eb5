import Foundation
import PatronCore
import SQLKit

extension StoreReader {
    static let productColumns = """
        id, external_id, title, description, category, product_type, vendor, url, image_url, status, tags, currency,
        created_at, updated_at
        """

    public func product(id: Int64) async throws -> JSONValue? {
        let rows = try await sql.raw(
            "SELECT \(unsafeRaw: Self.productColumns) FROM products WHERE store_id = \(bind: storeID) AND id = \(bind: id)"
        ).all()
        return try await productDocuments(rows).first
    }

    public func products(externalId: String?, page: PageRequest) async throws -> Page {
        let rows = try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.productColumns) FROM products WHERE store_id = \(bind: storeID) AND id > \(bind: page.after)
            \(filter("external_id", externalId)) ORDER BY id LIMIT \(literal: page.limit + 1)
            """
        ).all()
        return try await self.page(rows, limit: page.limit) { try await productDocuments($0) }
    }

    func productDocuments(_ rows: [any SQLRow]) async throws -> [JSONValue] {
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.int("id") }
        var variants: [Int64: [JSONValue]] = [:]
        for variant in try await sql.raw(
            """
            SELECT id, product_id, external_id, sku, title, options, price, compare_at_price, stock, image_url FROM variants
            WHERE store_id = \(bind: storeID) AND product_id IN (\(binds: ids)) ORDER BY product_id, position, id
            """
        ).all() {
            variants[try variant.int("product_id"), default: []].append([
                "id": .int(try variant.int("id")), "externalId": try variant.textValue("external_id"),
                "sku": try variant.textValue("sku"), "title": try variant.textValue("title"),
                "options": try variant.json("options", fallback: [:]), "price": try variant.intValue("price"),
                "compareAtPrice": try variant.intValue("compare_at_price"), "stock": try variant.intValue("stock"),
                "imageUrl": try variant.textValue("image_url"),
            ])
        }
        return try rows.map { row in
            let id = try row.int("id")
            return [
                "id": .int(id), "externalId": try row.textValue("external_id"), "title": try row.textValue("title"),
                "description": try row.textValue("description"), "category": try row.textValue("category"),
                "productType": try row.textValue("product_type"), "vendor": try row.textValue("vendor"),
                "url": try row.textValue("url"), "imageUrl": try row.textValue("image_url"),
                "status": try row.textValue("status"),
                "tags": try row.json("tags", fallback: []), "currency": try row.textValue("currency"),
                "variants": .array(variants[id] ?? []), "createdAt": try row.time("created_at"),
                "updatedAt": try row.time("updated_at"),
            ]
        }
    }

    public func shipment(id: Int64) async throws -> JSONValue? {
        let rows = try await sql.raw(
            "SELECT * FROM shipments WHERE store_id = \(bind: storeID) AND id = \(bind: id)"
        ).all()
        return try await shipmentDocuments(rows).first
    }

    public func shipments(orderExternalId: String?, page: PageRequest) async throws -> Page {
        let rows = try await sql.raw(
            """
            SELECT * FROM shipments WHERE store_id = \(bind: storeID) AND id > \(bind: page.after)
            \(filter("order_external_id", orderExternalId)) ORDER BY id LIMIT \(literal: page.limit + 1)
            """
        ).all()
        return try await self.page(rows, limit: page.limit) { try await shipmentDocuments($0) }
    }

    func shipmentDocuments(_ rows: [any SQLRow]) async throws -> [JSONValue] {
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.int("id") }
        var events: [Int64: [JSONValue]] = [:]
        for event in try await sql.raw(
            """
            SELECT shipment_id, status, occurred_at, message, location FROM shipment_events
            WHERE store_id = \(bind: storeID) AND shipment_id IN (\(binds: ids)) ORDER BY shipment_id, occurred_at, id
            """
        ).all() {
            events[try event.int("shipment_id"), default: []].append([
                "status": try event.textValue("status"), "occurredAt": try event.time("occurred_at"),
                "message": try event.textValue("message"), "location": try event.textValue("location"),
            ])
        }
        let orderExternalIds = try rows.compactMap { try $0.text("order_external_id") }
        var orderIds: [String: Int64] = [:]
        if !orderExternalIds.isEmpty {
            for order in try await sql.raw(
                """
                SELECT id, external_id FROM orders
                WHERE store_id = \(bind: storeID) AND is_placeholder = 0 AND external_id IN (\(binds: orderExternalIds))
                """
            ).all() {
                orderIds[try order.requiredText("external_id")] = try order.int("id")
            }
        }
        return try rows.map { row in
            let id = try row.int("id")
            let orderExternalId = try row.text("order_external_id")
            return [
                "id": .int(id), "externalId": try row.textValue("external_id"), "orderExternalId": JSONValue(orderExternalId),
                "orderId": JSONValue(orderExternalId.flatMap { orderIds[$0] }), "carrier": try row.textValue("carrier"),
                "trackingNumber": try row.textValue("tracking_number"), "trackingUrl": try row.textValue("tracking_url"),
                "status": try row.textValue("status"), "estimatedDeliveryAt": try row.time("estimated_delivery_at"),
                "shippedAt": try row.time("shipped_at"), "deliveredAt": try row.time("delivered_at"),
                "events": .array(events[id] ?? []), "createdAt": try row.time("created_at"),
                "updatedAt": try row.time("updated_at"),
            ]
        }
    }

    public func event(id: Int64) async throws -> JSONValue? {
        guard
            let row = try await sql.raw("SELECT * FROM events WHERE store_id = \(bind: storeID) AND id = \(bind: id)").first()
        else { return nil }
        return try eventDocument(row)
    }

    public func events(customerId: Int64?, type: String?, page: PageRequest) async throws -> Page {
        let rows = try await sql.raw(
            """
            SELECT * FROM events WHERE store_id = \(bind: storeID) AND id > \(bind: page.after)
            \(filter("customer_id", customerId))\(filter("type", type)) ORDER BY id LIMIT \(literal: page.limit + 1)
            """
        ).all()
        return try await self.page(rows, limit: page.limit) { try eventDocument($0) }
    }

    func eventDocument(_ row: any SQLRow) throws -> JSONValue {
        [
            "id": .int(try row.int("id")), "type": try row.textValue("type"), "customerId": try row.intValue("customer_id"),
            "anonymousId": try row.textValue("anonymous_id"), "messageId": try row.textValue("message_id"),
            "occurredAt": try row.time("occurred_at"), "receivedAt": try row.time("received_at"),
            "source": try row.textValue("source"), "properties": try row.json("properties", fallback: [:]),
            "context": try row.json("context", fallback: [:]), "productExternalIds": try row.json("product_ids", fallback: []),
        ]
    }

    public func store() async throws -> JSONValue? {
        guard let row = try await sql.raw("SELECT id, name, created_at FROM stores WHERE id = \(bind: storeID)").first() else {
            return nil
        }
        return ["id": .int(try row.int("id")), "name": try row.textValue("name"), "createdAt": try row.time("created_at")]
    }
}
