import Foundation
import PatronCore
import SQLKit

extension StoreWriter {
    /// Upserts a full order with its lines and refunds. An update older than the stored one is ignored,
    /// except over a placeholder (created by a status change that arrived first), whose newer status is kept.
    public func upsertOrder(_ input: OrderInput) async throws -> WriteResult {
        guard !input.hasAmountOverflow else {
            throw ValidationFailure(field: "total", message: "the order's amounts add up beyond the accepted range")
        }
        var customerId: Int64?
        if let details = input.customerDetails, details.externalId != nil || details.email != nil {
            customerId = try await upsertCustomer(details).id
        } else if !input.customer.isEmpty {
            customerId = try await resolveCustomer(input.customer)
        }
        var order = input
        let existing = try await sql.raw(
            """
            SELECT id, source_updated_at, is_placeholder, financial_status, cancelled_at, cancel_reason, placed_at
            FROM orders WHERE store_id = \(bind: storeID) AND external_id = \(bind: input.externalId)
            """
        ).first()
        if let existing {
            let stored = try existing.optionalInt("source_updated_at")
            let incoming = input.sourceUpdatedAt.milliseconds
            let isOlder = if let stored, let incoming { incoming < stored } else { false }
            if try existing.int("is_placeholder") == 1 {
                let storedCancelledAt = try existing.optionalInt("cancelled_at")
                let storedCancelReason = try existing.text("cancel_reason")
                order.cancelledAt = order.cancelledAt ?? storedCancelledAt.map(Timestamp.date)
                order.cancelReason = order.cancelReason ?? storedCancelReason
                if let status = FinancialStatus(rawValue: try existing.text("financial_status") ?? ""),
                    [.refunded, .partiallyRefunded, .voided].contains(status),
                    [.paid, .pending, .authorized].contains(order.financialStatus)
                {
                    order.financialStatus = status
                }
                if isOlder { order.sourceUpdatedAt = stored.map(Timestamp.date) }
            } else if isOlder {
                return WriteResult(id: try existing.int("id"), outcome: .duplicate)
            } else if input.keepsStoredPlacement {
                order.placedAt = Timestamp.date(milliseconds: try existing.int("placed_at"))
                order.financialStatus =
                    FinancialStatus(rawValue: try existing.text("financial_status") ?? "") ?? order.financialStatus
            }
        }
        let row = try await sql.raw(
            """
            INSERT INTO orders (store_id, external_id, number, customer_id, email, currency, placed_at, financial_status,
                fulfillment_status, cancelled_at, cancel_reason, subtotal, discount_total, shipping_total, tax_total,
                total, discount_codes, shipping_address, source_name, tags, is_placeholder, created_at, updated_at,
                source_updated_at)
            VALUES (\(bind: storeID), \(bind: order.externalId), \(bind: order.number), \(bind: customerId),
                \(bind: order.customer.email), \(bind: order.currency.code), \(bind: Timestamp.milliseconds(order.placedAt)),
                \(bind: order.financialStatus.rawValue), \(bind: order.fulfillmentStatus.rawValue),
                \(bind: order.cancelledAt.milliseconds), \(bind: order.cancelReason), \(bind: order.computedSubtotal),
                \(bind: order.discountTotal), \(bind: order.shippingTotal), \(bind: order.taxTotal), \(bind: order.computedTotal),
                \(bind: discountCodesJSON(order.discountCodes)), \(bind: order.shippingAddress?.json.serialized()),
                \(bind: order.sourceName), \(bind: order.tags.jsonText), 0, \(bind: now), \(bind: now),
                \(bind: order.sourceUpdatedAt.milliseconds))
            ON CONFLICT (store_id, external_id) DO UPDATE SET number = excluded.number,
                customer_id = COALESCE(excluded.customer_id, orders.customer_id), email = COALESCE(excluded.email, orders.email),
                currency = excluded.currency, placed_at = excluded.placed_at, financial_status = excluded.financial_status,
                fulfillment_status = excluded.fulfillment_status, cancelled_at = COALESCE(excluded.cancelled_at, orders.cancelled_at),
                cancel_reason = excluded.cancel_reason, subtotal = excluded.subtotal,
                discount_total = excluded.discount_total, shipping_total = excluded.shipping_total,
                tax_total = excluded.tax_total, total = excluded.total, discount_codes = excluded.discount_codes,
                shipping_address = COALESCE(excluded.shipping_address, orders.shipping_address),
                source_name = COALESCE(excluded.source_name, orders.source_name), tags = excluded.tags,
                is_placeholder = 0, updated_at = excluded.updated_at,
                source_updated_at = COALESCE(excluded.source_updated_at, orders.source_updated_at)
            RETURNING id
            """
        ).first()
        guard let orderId = try row?.int("id") else { throw StoreError.unexpected("order upsert returned no id") }
        try await replaceLines(order.lineItems, orderId: orderId)
        for refund in order.refunds {
            var refund = refund
            refund.orderExternalId = order.externalId
            refund.currency = refund.currency ?? order.currency
            _ = try await upsertRefund(refund, updateOrderStatus: false)
        }
        let wasPlaceholder = try existing?.int("is_placeholder") == 1
        if wasPlaceholder {
            // Refunds that arrived first now meet the order's real total and currency.
            try await sql.raw(
                """
                UPDATE refunds SET currency = \(bind: order.currency.code)
                WHERE store_id = \(bind: storeID) AND order_external_id = \(bind: order.externalId) AND currency IS NULL
                """
            ).run()
        }
        // Refunds stored on their own (before the order, or through the refunds endpoint) decide the status.
        try await refreshRefundStatus(orderId: orderId, total: order.computedTotal, orderExternalId: order.externalId)
        return WriteResult(id: orderId, outcome: existing == nil || wasPlaceholder ? .created : .updated)
    }

    func discountCodesJSON(_ codes: [DiscountInput]) -> String {
        JSONValue.array(codes.map { ["code": .string($0.code), "amount": .int($0.amount)] }).serialized()
    }

    func replaceLines(_ lines: [LineItemInput], orderId: Int64) async throws {
        try await sql.raw("DELETE FROM order_lines WHERE order_id = \(bind: orderId)").run()
        guard !lines.isEmpty else { return }
        // Multi-row inserts: one statement per 200 lines instead of one per line.
        for chunkStart in stride(from: 0, to: lines.count, by: 200) {
            var query: SQLQueryString = """
                INSERT INTO order_lines (store_id, order_id, position, external_id, product_external_id,
                    variant_external_id, sku, title, quantity, unit_price, discount, tax) VALUES
                """
            for position in chunkStart..<min(lines.count, chunkStart + 200) {
                let line = lines[position]
                query += position == chunkStart ? " " : ", "
                query += """
                    (\(bind: storeID), \(bind: orderId), \(bind: Int64(position)), \(bind: line.externalId),
                    \(bind: line.productExternalId), \(bind: line.variantExternalId), \(bind: line.sku), \(bind: line.title),
                    \(bind: line.quantity), \(bind: line.unitPrice), \(bind: line.discount), \(bind: line.tax))
                    """
            }
            try await sql.raw(query).run()
        }
    }

    /// Stores a refund (even before its order exists) and, when asked, moves the order's financial
    /// status to refunded or partially refunded.
    public func upsertRefund(_ input: RefundInput, updateOrderStatus: Bool = true) async throws -> WriteResult {
        let lines = JSONValue.array(
            input.lineItems.map { line in
                .compactObject([
                    "lineItemExternalId": line.lineItemExternalId.map(JSONValue.string),
                    "productExternalId": line.productExternalId.map(JSONValue.string), "sku": line.sku.map(JSONValue.string),
                    "quantity": .int(line.quantity),
                ])
            }
        ).serialized()
        let existing = try await sql.raw(
            "SELECT id, order_external_id FROM refunds WHERE store_id = \(bind: storeID) AND external_id = \(bind: input.externalId)"
        ).first()
        if let existing, let storedOrder = try existing.text("order_external_id"), storedOrder != input.orderExternalId {
            throw ValidationFailure(
                field: "externalId",
                message: "refund \(input.externalId) belongs to order \(storedOrder), not \(input.orderExternalId)")
        }
        let row = try await sql.raw(
            """
            INSERT INTO refunds (store_id, external_id, order_external_id, created_at, amount, currency, reason, line_items, received_at)
            VALUES (\(bind: storeID), \(bind: input.externalId), \(bind: input.orderExternalId),
                \(bind: Timestamp.milliseconds(input.createdAt)), \(bind: input.amount), \(bind: input.currency?.code),
                \(bind: input.reason), \(bind: lines), \(bind: now))
            ON CONFLICT (store_id, external_id) DO UPDATE SET amount = excluded.amount, reason = excluded.reason,
                line_items = excluded.line_items, currency = COALESCE(excluded.currency, refunds.currency)
            RETURNING id
            """
        ).first()
        guard let id = try row?.int("id") else { throw StoreError.unexpected("refund upsert returned no id") }
        if updateOrderStatus {
            try await refreshRefundStatus(
                orderExternalId: input.orderExternalId, occurredAt: Timestamp.milliseconds(input.createdAt))
        }
        return WriteResult(id: id, outcome: existing == nil ? .created : .updated)
    }

    func refreshRefundStatus(orderExternalId: String, occurredAt: Int64) async throws {
        guard
            let order = try await sql.raw(
                """
                SELECT id, total FROM orders
                WHERE store_id = \(bind: storeID) AND external_id = \(bind: orderExternalId)
                """
            ).first()
        else {
            var update = OrderStatusUpdate(orderExternalId: orderExternalId, occurredAt: Timestamp.date(milliseconds: occurredAt))
            update.financialStatus = .partiallyRefunded
            _ = try await applyOrderStatus(update)
            return
        }
        try await refreshRefundStatus(
            orderId: try order.int("id"), total: try order.int("total"), orderExternalId: orderExternalId)
    }

    /// Moves an existing order to refunded or partially refunded by the sum of its stored refunds (none: unchanged).
    func refreshRefundStatus(orderId: Int64, total: Int64, orderExternalId: String) async throws {
        let refunded =
            try await sql.raw(
                "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM refunds WHERE store_id = \(bind: storeID) AND order_external_id = \(bind: orderExternalId)"
            ).first()?.int("total") ?? 0
        guard refunded > 0 else { return }
        let status: FinancialStatus = refunded >= total && total > 0 ? .refunded : .partiallyRefunded
        try await sql.raw(
            "UPDATE orders SET financial_status = \(bind: status.rawValue), updated_at = \(bind: now) WHERE id = \(bind: orderId)"
        ).run()
    }

    /// Applies a status change; when the order is unknown yet, keeps it on a placeholder order that the
    /// full order fills in when it arrives.
    public func applyOrderStatus(_ update: OrderStatusUpdate) async throws -> WriteResult {
        let occurred = Timestamp.milliseconds(update.occurredAt)
        if let existing = try await sql.raw(
            "SELECT id, source_updated_at FROM orders WHERE store_id = \(bind: storeID) AND external_id = \(bind: update.orderExternalId)"
        ).first() {
            let id = try existing.int("id")
            // A status older than the stored version must not regress it; a cancellation always sticks.
            let isOlder = try existing.optionalInt("source_updated_at").map { occurred < $0 } ?? false
            let financial = isOlder ? nil : update.financialStatus?.rawValue
            let fulfillment = isOlder ? nil : update.fulfillmentStatus?.rawValue
            try await sql.raw(
                """
                UPDATE orders SET financial_status = COALESCE(\(bind: financial), financial_status),
                    fulfillment_status = COALESCE(\(bind: fulfillment), fulfillment_status),
                    cancelled_at = COALESCE(\(bind: update.cancelledAt.milliseconds), cancelled_at),
                    cancel_reason = COALESCE(\(bind: update.cancelReason), cancel_reason), updated_at = \(bind: now),
                    source_updated_at = CASE WHEN source_updated_at IS NULL OR source_updated_at < \(bind: occurred)
                        THEN \(bind: occurred) ELSE source_updated_at END
                WHERE id = \(bind: id)
                """
            ).run()
            return WriteResult(id: id, outcome: .updated)
        }
        let row = try await sql.raw(
            """
            INSERT INTO orders (store_id, external_id, currency, placed_at, financial_status, fulfillment_status,
                cancelled_at, cancel_reason, subtotal, discount_total, shipping_total, tax_total, total, is_placeholder,
                created_at, updated_at, source_updated_at)
            VALUES (\(bind: storeID), \(bind: update.orderExternalId), 'XXX', \(bind: occurred),
                \(bind: (update.financialStatus ?? .paid).rawValue), \(bind: (update.fulfillmentStatus ?? .unfulfilled).rawValue),
                \(bind: update.cancelledAt.milliseconds), \(bind: update.cancelReason), 0, 0, 0, 0, 0, 1, \(bind: now), \(bind: now),
                \(bind: occurred))
            RETURNING id
            """
        ).first()
        guard let id = try row?.int("id") else { throw StoreError.unexpected("placeholder insert returned no id") }
        return WriteResult(id: id, outcome: .created)
    }
}
