import Foundation
import PatronCore
import SQLKit

extension StoreReader {
    static let orderColumns = """
        id, external_id, number, customer_id, email, currency, placed_at, financial_status, fulfillment_status,
        cancelled_at, cancel_reason, subtotal, discount_total, shipping_total, tax_total, total, discount_codes,
        shipping_address, source_name, tags, created_at, updated_at
        """

    public func order(id: Int64) async throws -> JSONValue? {
        let rows = try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.orderColumns) FROM orders
            WHERE store_id = \(bind: storeID) AND id = \(bind: id) AND is_placeholder = 0
            """
        ).all()
        return try await orderDocuments(rows).first
    }

    public func orders(externalId: String?, customerId: Int64?, page: PageRequest) async throws -> Page {
        let rows = try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.orderColumns) FROM orders
            WHERE store_id = \(bind: storeID) AND is_placeholder = 0 AND id > \(bind: page.after)
            \(filter("external_id", externalId))\(filter("customer_id", customerId))
            ORDER BY id LIMIT \(literal: page.limit + 1)
            """
        ).all()
        return try await self.page(rows, limit: page.limit) { try await orderDocuments($0) }
    }

    /// Renders orders with their lines and refunds in three queries, whatever the page size.
    func orderDocuments(_ rows: [any SQLRow]) async throws -> [JSONValue] {
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.int("id") }
        let externalIds = try rows.map { try $0.requiredText("external_id") }
        var lines: [Int64: [JSONValue]] = [:]
        for line in try await sql.raw(
            """
            SELECT order_id, external_id, product_external_id, variant_external_id, sku, title, quantity, unit_price, discount, tax
            FROM order_lines WHERE order_id IN (\(binds: ids)) ORDER BY order_id, position
            """
        ).all() {
            lines[try line.int("order_id"), default: []].append([
                "externalId": try line.textValue("external_id"), "productExternalId": try line.textValue("product_external_id"),
                "variantExternalId": try line.textValue("variant_external_id"), "sku": try line.textValue("sku"),
                "title": try line.textValue("title"), "quantity": try line.intValue("quantity"),
                "unitPrice": try line.intValue("unit_price"), "discount": try line.intValue("discount"),
                "tax": try line.intValue("tax"),
            ])
        }
        var refunds: [String: [JSONValue]] = [:]
        var refunded: [String: Int64] = [:]
        for refund in try await sql.raw(
            """
            SELECT id, external_id, order_external_id, created_at, amount, currency, reason, line_items FROM refunds
            WHERE store_id = \(bind: storeID) AND order_external_id IN (\(binds: externalIds)) ORDER BY created_at, id
            """
        ).all() {
            let orderExternalId = try refund.requiredText("order_external_id")
            refunded[orderExternalId, default: 0] += try refund.int("amount")
            refunds[orderExternalId, default: []].append(try refundDocument(refund))
        }
        return try rows.map { row in
            let id = try row.int("id")
            let externalId = try row.requiredText("external_id")
            return [
                "id": .int(id), "externalId": .string(externalId), "number": try row.textValue("number"),
                "customerId": try row.intValue("customer_id"), "email": try row.textValue("email"),
                "currency": try row.textValue("currency"), "placedAt": try row.time("placed_at"),
                "financialStatus": try row.textValue("financial_status"),
                "fulfillmentStatus": try row.textValue("fulfillment_status"), "cancelledAt": try row.time("cancelled_at"),
                "cancelReason": try row.textValue("cancel_reason"), "subtotal": try row.intValue("subtotal"),
                "discountTotal": try row.intValue("discount_total"), "shippingTotal": try row.intValue("shipping_total"),
                "taxTotal": try row.intValue("tax_total"), "total": try row.intValue("total"),
                "refundedTotal": .int(refunded[externalId] ?? 0), "discountCodes": try row.json("discount_codes", fallback: []),
                "shippingAddress": try row.json("shipping_address"), "lineItems": .array(lines[id] ?? []),
                "refunds": .array(refunds[externalId] ?? []), "sourceName": try row.textValue("source_name"),
                "tags": try row.json("tags", fallback: []), "createdAt": try row.time("created_at"),
                "updatedAt": try row.time("updated_at"),
            ]
        }
    }

    func refundDocument(_ row: any SQLRow) throws -> JSONValue {
        [
            "id": .int(try row.int("id")), "externalId": try row.textValue("external_id"),
            "orderExternalId": try row.textValue("order_external_id"), "createdAt": try row.time("created_at"),
            "amount": try row.intValue("amount"), "currency": try row.textValue("currency"),
            "reason": try row.textValue("reason"),
            "lineItems": try row.json("line_items", fallback: []),
        ]
    }

    public func refund(id: Int64) async throws -> JSONValue? {
        guard
            let row = try await sql.raw(
                """
                SELECT id, external_id, order_external_id, created_at, amount, currency, reason, line_items FROM refunds
                WHERE store_id = \(bind: storeID) AND id = \(bind: id)
                """
            ).first()
        else { return nil }
        return try refundDocument(row)
    }
}
