import Foundation
import PatronCore
import SQLKit

extension StoreWriter {
    /// Appends events, deduplicated on `messageId`. Customers are resolved once per distinct reference
    /// and rows go in multi-row statements, which is what makes batch ingestion fast on SQLite.
    public func insertEvents(_ events: [EventInput]) async throws -> [WriteResult] {
        var customers = try await knownCustomers(events.compactMap(\.customer.externalId))
        var customerIds: [Int64?] = []
        customerIds.reserveCapacity(events.count)
        for event in events {
            if let externalId = event.customer.externalId, event.customer.anonymousId == nil, let known = customers[externalId] {
                customerIds.append(known)
                continue
            }
            let id = try await resolveCustomer(event.customer)
            if let externalId = event.customer.externalId, event.customer.anonymousId == nil { customers[externalId] = id }
            customerIds.append(id)
        }
        var inserted: [String: Int64] = [:]
        let chunkSize = 80
        for chunkStart in stride(from: 0, to: events.count, by: chunkSize) {
            var query: SQLQueryString = """
                INSERT INTO events (store_id, customer_id, anonymous_id, type, message_id, occurred_at, received_at,
                    source, properties, context, product_ids) VALUES
                """
            for index in chunkStart..<min(events.count, chunkStart + chunkSize) {
                let event = events[index]
                query += index == chunkStart ? " " : ", "
                query += """
                    (\(bind: storeID), \(bind: customerIds[index]), \(bind: event.customer.anonymousId), \(bind: event.type),
                    \(bind: event.messageId), \(bind: Timestamp.milliseconds(event.occurredAt)), \(bind: now),
                    \(bind: event.source.rawValue), \(bind: event.properties.jsonText), \(bind: event.context.jsonText),
                    \(bind: event.productExternalIds.jsonText))
                    """
            }
            query += " ON CONFLICT (store_id, message_id) DO NOTHING RETURNING id, message_id"
            for row in try await sql.raw(query).all() {
                inserted[try row.requiredText("message_id")] = try row.int("id")
            }
        }
        let missing = Set(events.map(\.messageId)).subtracting(inserted.keys)
        var existing: [String: Int64] = [:]
        if !missing.isEmpty {
            let rows = try await sql.raw(
                "SELECT id, message_id FROM events WHERE store_id = \(bind: storeID) AND message_id IN (\(binds: Array(missing)))"
            ).all()
            for row in rows { existing[try row.requiredText("message_id")] = try row.int("id") }
        }
        var claimed: Set<String> = []
        return try events.map { event in
            if let id = inserted[event.messageId], claimed.insert(event.messageId).inserted {
                return WriteResult(id: id, outcome: .created)
            }
            guard let id = inserted[event.messageId] ?? existing[event.messageId] else {
                throw StoreError.unexpected("event \(event.messageId) was neither inserted nor found")
            }
            return WriteResult(id: id, outcome: .duplicate)
        }
    }

    /// Looks up many customers by external id in a few statements (one per 500 ids).
    func knownCustomers(_ externalIds: [String]) async throws -> [String: Int64] {
        let distinct = Array(Set(externalIds))
        var found: [String: Int64] = [:]
        for start in stride(from: 0, to: distinct.count, by: 500) {
            let chunk = Array(distinct[start..<min(distinct.count, start + 500)])
            for row in try await sql.raw(
                "SELECT id, external_id FROM customers WHERE store_id = \(bind: storeID) AND external_id IN (\(binds: chunk))"
            ).all() {
                found[try row.requiredText("external_id")] = try row.int("id")
            }
        }
        return found
    }

    /// Records a webhook delivery id; false when it was already received (a re-delivery).
    public func recordDelivery(source: String, deliveryId: String, topic: String) async throws -> Bool {
        let row = try await sql.raw(
            """
            INSERT INTO webhook_receipts (store_id, source, delivery_id, topic, received_at)
            VALUES (\(bind: storeID), \(bind: source), \(bind: deliveryId), \(bind: topic), \(bind: now))
            ON CONFLICT (store_id, source, delivery_id) DO NOTHING RETURNING delivery_id
            """
        ).first()
        return row != nil
    }
}
