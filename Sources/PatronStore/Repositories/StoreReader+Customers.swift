import Foundation
import PatronCore
import SQLKit

extension StoreReader {
    static let customerColumns =
        "id, external_id, email, phone, first_name, last_name, country, time_zone, birthday, tags, properties, created_at, updated_at"

    public func customer(id: Int64) async throws -> JSONValue? {
        guard
            let row = try await sql.raw(
                "SELECT \(unsafeRaw: Self.customerColumns) FROM customers WHERE store_id = \(bind: storeID) AND id = \(bind: id)"
            ).first()
        else { return nil }
        return try await customerDocument(row)
    }

    public func customers(email: String?, externalId: String?, page: PageRequest) async throws -> Page {
        let rows = try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.customerColumns) FROM customers WHERE store_id = \(bind: storeID) AND id > \(bind: page.after)
            \(filter("email_key", email.map(EmailAddress.normalized)))\(filter("external_id", externalId))
            ORDER BY id LIMIT \(literal: page.limit + 1)
            """
        ).all()
        return try await self.page(rows, limit: page.limit) { try await customerDocument($0) }
    }

    func customerDocument(_ row: any SQLRow) async throws -> JSONValue {
        let id = try row.int("id")
        let consentRows = try await sql.raw(
            """
            SELECT channel, state, source, recorded_at FROM consents WHERE store_id = \(bind: storeID) AND customer_id = \(bind: id)
            ORDER BY recorded_at, id
            """
        ).all()
        var consent: [String: JSONValue] = ["email": .null, "sms": .null]
        for consentRow in consentRows {
            consent[try consentRow.requiredText("channel")] = [
                "state": try consentRow.textValue("state"), "source": try consentRow.textValue("source"),
                "recordedAt": try consentRow.time("recorded_at"),
            ]
        }
        let aliases = try await sql.raw(
            "SELECT anonymous_id FROM customer_aliases WHERE store_id = \(bind: storeID) AND customer_id = \(bind: id) ORDER BY created_at"
        ).all().map { JSONValue.string(try $0.requiredText("anonymous_id")) }
        return [
            "id": .int(id), "externalId": try row.textValue("external_id"), "email": try row.textValue("email"),
            "phone": try row.textValue("phone"), "firstName": try row.textValue("first_name"),
            "lastName": try row.textValue("last_name"), "country": try row.textValue("country"),
            "timeZone": try row.textValue("time_zone"), "birthday": try row.textValue("birthday"),
            "tags": try row.json("tags", fallback: []), "properties": try row.json("properties", fallback: [:]),
            "consent": .object(consent), "anonymousIds": .array(aliases), "createdAt": try row.time("created_at"),
            "updatedAt": try row.time("updated_at"),
        ]
    }

    /// The customer with their order statistics and a merged timeline, newest first.
    public func profile(id: Int64, timelineLimit: Int = 200) async throws -> JSONValue? {
        guard case .object(var document) = try await customer(id: id) else { return nil }
        let stats = try await sql.raw(
            """
            SELECT COUNT(*) AS orders_count, CAST(COALESCE(SUM(total), 0) AS BIGINT) AS total_spent, MIN(placed_at) AS first_order,
                MAX(placed_at) AS last_order, MAX(currency) AS currency
            FROM orders WHERE store_id = \(bind: storeID) AND customer_id = \(bind: id) AND cancelled_at IS NULL
            """
        ).first()
        let refunded = try await sql.raw(
            """
            SELECT CAST(COALESCE(SUM(r.amount), 0) AS BIGINT) AS refunded FROM refunds r JOIN orders o
                ON o.store_id = r.store_id AND o.external_id = r.order_external_id
            WHERE o.store_id = \(bind: storeID) AND o.customer_id = \(bind: id)
            """
        ).first()
        document["stats"] = [
            "ordersCount": .int(try stats?.int("orders_count") ?? 0), "totalSpent": .int(try stats?.int("total_spent") ?? 0),
            "refundedTotal": .int(try refunded?.int("refunded") ?? 0), "currency": try stats?.textValue("currency") ?? .null,
            "firstOrderAt": try stats?.time("first_order") ?? .null, "lastOrderAt": try stats?.time("last_order") ?? .null,
        ]
        document["timeline"] = .array(try await timeline(customerId: id, limit: timelineLimit))
        return .object(document)
    }

    func timeline(customerId: Int64, limit: Int) async throws -> [JSONValue] {
        var entries: [(at: Int64, entry: JSONValue)] = []
        let orders = try await sql.raw(
            """
            SELECT id, external_id, number, placed_at, total, currency, financial_status, cancelled_at FROM orders
            WHERE store_id = \(bind: storeID) AND customer_id = \(bind: customerId) ORDER BY placed_at DESC LIMIT \(literal: limit)
            """
        ).all()
        var orderExternalIds: [String] = []
        for row in orders {
            let at = try row.int("placed_at")
            orderExternalIds.append(try row.requiredText("external_id"))
            let number = try row.text("number") ?? row.requiredText("external_id")
            entries.append(
                (
                    at,
                    timelineEntry(
                        kind: "order", at: at, id: try row.int("id"), title: "Order \(number) placed",
                        data: [
                            "externalId": try row.textValue("external_id"), "total": try row.intValue("total"),
                            "currency": try row.textValue("currency"), "financialStatus": try row.textValue("financial_status"),
                            "cancelledAt": try row.time("cancelled_at"),
                        ])
                ))
            if let cancelled = try row.optionalInt("cancelled_at") {
                entries.append(
                    (
                        cancelled,
                        timelineEntry(
                            kind: "order", at: cancelled, id: try row.int("id"), title: "Order \(number) cancelled", data: [:])
                    ))
            }
        }
        if !orderExternalIds.isEmpty {
            for row in try await sql.raw(
                """
                SELECT id, order_external_id, created_at, amount, currency, reason FROM refunds
                WHERE store_id = \(bind: storeID) AND order_external_id IN (\(binds: orderExternalIds))
                """
            ).all() {
                let at = try row.int("created_at")
                entries.append(
                    (
                        at,
                        timelineEntry(
                            kind: "refund", at: at, id: try row.int("id"),
                            title: "Refund on order \(try row.requiredText("order_external_id"))",
                            data: [
                                "amount": try row.intValue("amount"), "currency": try row.textValue("currency"),
                                "reason": try row.textValue("reason"),
                            ])
                    ))
            }
            for row in try await sql.raw(
                """
                SELECT id, order_external_id, carrier, tracking_number, status, created_at, delivered_at FROM shipments
                WHERE store_id = \(bind: storeID) AND order_external_id IN (\(binds: orderExternalIds))
                """
            ).all() {
                let at = try row.optionalInt("delivered_at") ?? row.int("created_at")
                let status = try row.text("status") ?? "created"
                entries.append(
                    (
                        at,
                        timelineEntry(
                            kind: "shipment", at: at, id: try row.int("id"),
                            title:
                                "Shipment for order \(try row.text("order_external_id") ?? "?"): \(status.replacingOccurrences(of: "_", with: " "))",
                            data: [
                                "carrier": try row.textValue("carrier"), "trackingNumber": try row.textValue("tracking_number"),
                                "status": try row.textValue("status"),
                            ])
                    ))
            }
        }
        for row in try await sql.raw(
            """
            SELECT id, type, occurred_at, properties, product_ids FROM events
            WHERE store_id = \(bind: storeID) AND customer_id = \(bind: customerId) ORDER BY occurred_at DESC LIMIT \(literal: limit)
            """
        ).all() {
            let at = try row.int("occurred_at")
            entries.append(
                (
                    at,
                    timelineEntry(
                        kind: "event", at: at, id: try row.int("id"), title: try row.requiredText("type"),
                        data: [
                            "properties": try row.json("properties", fallback: [:]),
                            "productExternalIds": try row.json("product_ids", fallback: []),
                        ])
                ))
        }
        for row in try await sql.raw(
            "SELECT id, channel, state, source, recorded_at FROM consents WHERE store_id = \(bind: storeID) AND customer_id = \(bind: customerId)"
        ).all() {
            let at = try row.int("recorded_at")
            entries.append(
                (
                    at,
                    timelineEntry(
                        kind: "consent", at: at, id: try row.int("id"),
                        title: "\(try row.requiredText("channel")) consent: \(try row.requiredText("state"))",
                        data: [
                            "channel": try row.textValue("channel"), "state": try row.textValue("state"),
                            "source": try row.textValue("source"),
                        ])
                ))
        }
        return entries.sorted { $0.at > $1.at }.prefix(limit).map(\.entry)
    }

    func timelineEntry(kind: String, at: Int64, id: Int64, title: String, data: [String: JSONValue]) -> JSONValue {
        [
            "kind": .string(kind), "at": .time(milliseconds: at), "id": .int(id),
            "title": .string(title), "data": .object(data),
        ]
    }

    /// Everything held about a customer, for a data-subject access request.
    public func export(customerId id: Int64, now: Date) async throws -> JSONValue? {
        guard let customer = try await customer(id: id) else { return nil }
        let consentHistory = try await sql.raw(
            "SELECT channel, state, source, recorded_at FROM consents WHERE store_id = \(bind: storeID) AND customer_id = \(bind: id) ORDER BY recorded_at, id"
        ).all().map { row -> JSONValue in
            [
                "channel": try row.textValue("channel"), "state": try row.textValue("state"),
                "source": try row.textValue("source"),
                "recordedAt": try row.time("recorded_at"),
            ]
        }
        var orders: [JSONValue] = []
        var shipments: [JSONValue] = []
        var refunds: [JSONValue] = []
        var after: Int64 = 0
        while true {
            let page = try await self.orders(externalId: nil, customerId: id, page: PageRequest(limit: 200, after: after))
            orders.append(contentsOf: page.items)
            guard let next = page.nextCursor else { break }
            after = next
        }
        for order in orders {
            if let externalId = order["externalId"]?.stringValue {
                shipments.append(
                    contentsOf: try await self.shipments(orderExternalId: externalId, page: PageRequest(limit: 200)).items)
            }
            refunds.append(contentsOf: order["refunds"]?.arrayValue ?? [])
        }
        var events: [JSONValue] = []
        after = 0
        while true {
            let page = try await self.events(customerId: id, type: nil, page: PageRequest(limit: 200, after: after))
            events.append(contentsOf: page.items)
            guard let next = page.nextCursor else { break }
            after = next
        }
        return [
            "exportedAt": .string(Timestamp.format(now)), "customer": customer, "consentHistory": .array(consentHistory),
            "orders": .array(orders), "refunds": .array(refunds), "shipments": .array(shipments), "events": .array(events),
        ]
    }
}
