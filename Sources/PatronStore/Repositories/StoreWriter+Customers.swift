import Foundation
import PatronCore
import SQLKit

extension StoreWriter {
    /// Finds the customer a reference points at: by external id, then e-mail, then anonymous alias.
    public func findCustomer(_ ref: CustomerRef) async throws -> Int64? {
        if let externalId = ref.externalId {
            if let id = try await sql.raw(
                "SELECT id FROM customers WHERE store_id = \(bind: storeID) AND external_id = \(bind: externalId)"
            ).first()?.int("id") {
                return id
            }
        }
        if let email = ref.email {
            // With an external id, an e-mail match counts only for a record that has no external id of its own:
            // two customers may share an address.
            let key = EmailAddress.normalized(email)
            let onlyWithoutExternalId: SQLQueryString = ref.externalId == nil ? "" : " AND external_id IS NULL"
            if let id = try await sql.raw(
                """
                SELECT id FROM customers WHERE store_id = \(bind: storeID) AND email_key = \(bind: key)\(onlyWithoutExternalId)
                ORDER BY id LIMIT 1
                """
            ).first()?.int("id") {
                return id
            }
        }
        if let anonymousId = ref.anonymousId {
            return try await sql.raw(
                "SELECT customer_id FROM customer_aliases WHERE store_id = \(bind: storeID) AND anonymous_id = \(bind: anonymousId)"
            ).first()?.int("customer_id")
        }
        return nil
    }

    /// The customer a reference points at, created (with what the reference knows) when it names one
    /// by external id or e-mail. A bare anonymous id does not create a customer.
    public func resolveCustomer(_ ref: CustomerRef) async throws -> Int64? {
        if let id = try await findCustomer(ref) {
            if let anonymousId = ref.anonymousId, ref.externalId != nil || ref.email != nil {
                try await linkAnonymous(anonymousId, customerId: id)
            }
            return id
        }
        if ref.externalId == nil, ref.email == nil { return nil }
        var input = CustomerInput(externalId: ref.externalId, email: ref.email)
        if let anonymousId = ref.anonymousId { input.anonymousIds = [anonymousId] }
        return try await upsertCustomer(input).id
    }

    /// Upserts a customer: matched by external id, else by e-mail (adopting an e-mail-only record).
    public func upsertCustomer(_ input: CustomerInput) async throws -> WriteResult {
        let emailKey = input.email.map(EmailAddress.normalized)
        var existingId: Int64?
        if let externalId = input.externalId {
            existingId = try await sql.raw(
                "SELECT id FROM customers WHERE store_id = \(bind: storeID) AND external_id = \(bind: externalId)"
            ).first()?.int("id")
        }
        if existingId == nil, let emailKey {
            let row = try await sql.raw(
                """
                SELECT id, external_id FROM customers WHERE store_id = \(bind: storeID) AND email_key = \(bind: emailKey)
                ORDER BY id LIMIT 1
                """
            ).first()
            if let row {
                let storedExternalId = try row.text("external_id")
                if input.externalId == nil || storedExternalId == nil { existingId = try row.int("id") }
            }
        }
        let result: WriteResult
        if let existingId {
            try await updateCustomer(id: existingId, input: input, emailKey: emailKey)
            result = WriteResult(id: existingId, outcome: .updated)
        } else {
            result = WriteResult(id: try await insertCustomer(input, emailKey: emailKey), outcome: .created)
        }
        try await recordConsents(input.consents, customerId: result.id)
        for anonymousId in input.anonymousIds {
            try await linkAnonymous(anonymousId, customerId: result.id)
        }
        return result
    }

    func insertCustomer(_ input: CustomerInput, emailKey: String?) async throws -> Int64 {
        let created = input.createdAt.milliseconds ?? now
        let row = try await sql.raw(
            """
            INSERT INTO customers (store_id, external_id, email, email_key, phone, first_name, last_name, country,
                time_zone, birthday, tags, properties, created_at, updated_at, source_updated_at)
            VALUES (\(bind: storeID), \(bind: input.externalId), \(bind: input.email), \(bind: emailKey),
                \(bind: input.phone), \(bind: input.firstName), \(bind: input.lastName), \(bind: input.country),
                \(bind: input.timeZone), \(bind: input.birthday?.description), \(bind: (input.tags ?? []).jsonText),
                \(bind: (input.properties ?? [:]).jsonText), \(bind: created), \(bind: now),
                \(bind: input.sourceUpdatedAt.milliseconds))
            RETURNING id
            """
        ).first()
        guard let id = try row?.int("id") else { throw StoreError.unexpected("customer insert returned no id") }
        return id
    }

    func updateCustomer(id: Int64, input: CustomerInput, emailKey: String?) async throws {
        guard
            let row = try await sql.raw(
                "SELECT properties, source_updated_at FROM customers WHERE id = \(bind: id) AND store_id = \(bind: storeID)"
            ).first()
        else { return }
        // An update older than the stored version only contributes fields the record lacks.
        let stored = try row.optionalInt("source_updated_at")
        let incoming = input.sourceUpdatedAt.milliseconds
        let isStale = if let stored, let incoming { incoming < stored } else { false }
        var properties = try row.json("properties").objectValue ?? [:]
        if let update = input.properties {
            for (key, value) in update where !isStale || properties[key] == nil { properties[key] = value }
        }
        if isStale {
            try await sql.raw(
                """
                UPDATE customers SET external_id = COALESCE(external_id, \(bind: input.externalId)),
                    email = COALESCE(email, \(bind: input.email)), email_key = COALESCE(email_key, \(bind: emailKey)),
                    phone = COALESCE(phone, \(bind: input.phone)), first_name = COALESCE(first_name, \(bind: input.firstName)),
                    last_name = COALESCE(last_name, \(bind: input.lastName)), country = COALESCE(country, \(bind: input.country)),
                    time_zone = COALESCE(time_zone, \(bind: input.timeZone)),
                    birthday = COALESCE(birthday, \(bind: input.birthday?.description)),
                    properties = \(bind: properties.jsonText), updated_at = \(bind: now)
                WHERE id = \(bind: id) AND store_id = \(bind: storeID)
                """
            ).run()
            return
        }
        try await sql.raw(
            """
            UPDATE customers SET external_id = COALESCE(\(bind: input.externalId), external_id),
                email = COALESCE(\(bind: input.email), email), email_key = COALESCE(\(bind: emailKey), email_key),
                phone = COALESCE(\(bind: input.phone), phone), first_name = COALESCE(\(bind: input.firstName), first_name),
                last_name = COALESCE(\(bind: input.lastName), last_name), country = COALESCE(\(bind: input.country), country),
                time_zone = COALESCE(\(bind: input.timeZone), time_zone),
                birthday = COALESCE(\(bind: input.birthday?.description), birthday),
                tags = COALESCE(\(bind: input.tags?.jsonText), tags), properties = \(bind: properties.jsonText),
                created_at = COALESCE(\(bind: input.createdAt.milliseconds), created_at),
                source_updated_at = COALESCE(\(bind: incoming), source_updated_at), updated_at = \(bind: now)
            WHERE id = \(bind: id) AND store_id = \(bind: storeID)
            """
        ).run()
    }

    /// Appends consent changes to the customer's history; the latest `recordedAt` per channel is current.
    public func recordConsents(_ consents: [ConsentInput], customerId: Int64) async throws {
        for consent in consents {
            let recordedAt = consent.recordedAt.milliseconds ?? now
            let latest = try await sql.raw(
                """
                SELECT state, recorded_at FROM consents WHERE customer_id = \(bind: customerId) AND channel = \(bind: consent.channel.rawValue)
                ORDER BY recorded_at DESC, id DESC LIMIT 1
                """
            ).first()
            if let latest, try latest.text("state") == consent.state.rawValue, try latest.int("recorded_at") <= recordedAt {
                continue
            }
            try await sql.raw(
                """
                INSERT INTO consents (store_id, customer_id, channel, state, source, recorded_at)
                VALUES (\(bind: storeID), \(bind: customerId), \(bind: consent.channel.rawValue), \(bind: consent.state.rawValue),
                    \(bind: consent.source), \(bind: recordedAt))
                """
            ).run()
        }
    }

    /// Links an anonymous id to a customer and moves that id's anonymous events onto the customer.
    public func linkAnonymous(_ anonymousId: String, customerId: Int64) async throws {
        try await sql.raw(
            """
            INSERT INTO customer_aliases (store_id, anonymous_id, customer_id, created_at)
            VALUES (\(bind: storeID), \(bind: anonymousId), \(bind: customerId), \(bind: now))
            ON CONFLICT (store_id, anonymous_id) DO NOTHING
            """
        ).run()
        try await sql.raw(
            """
            UPDATE events SET customer_id = \(bind: customerId)
            WHERE store_id = \(bind: storeID) AND anonymous_id = \(bind: anonymousId) AND customer_id IS NULL
            """
        ).run()
    }

    /// Erases a customer's personal data: the profile, consent, aliases and events go; orders stay for the
    /// books with their amounts, detached from the person and stripped of addresses.
    public func eraseCustomer(id: Int64) async throws -> Bool {
        guard
            let customer = try await sql.raw(
                "SELECT external_id, email, phone FROM customers WHERE id = \(bind: id) AND store_id = \(bind: storeID)"
            ).first()
        else { return false }
        // Stored responses of idempotent requests may repeat the person's data; they go too.
        for identifier in [try customer.text("email"), try customer.text("phone"), try customer.text("external_id")].compactMap({
            $0
        })
        where identifier.count >= 3 {
            try await sql.raw(
                """
                DELETE FROM idempotency_keys
                WHERE store_id = \(bind: storeID) AND response_body LIKE \(bind: "%" + JSONValue.string(identifier).serialized() + "%")
                """
            ).run()
        }
        try await sql.raw(
            """
            UPDATE orders SET customer_id = NULL, email = NULL, shipping_address = NULL, updated_at = \(bind: now)
            WHERE store_id = \(bind: storeID) AND customer_id = \(bind: id)
            """
        ).run()
        try await sql.raw("DELETE FROM events WHERE store_id = \(bind: storeID) AND customer_id = \(bind: id)").run()
        try await sql.raw("DELETE FROM consents WHERE store_id = \(bind: storeID) AND customer_id = \(bind: id)").run()
        try await sql.raw("DELETE FROM customer_aliases WHERE store_id = \(bind: storeID) AND customer_id = \(bind: id)").run()
        try await sql.raw("DELETE FROM customer_metrics WHERE store_id = \(bind: storeID) AND customer_id = \(bind: id)").run()
        try await sql.raw("DELETE FROM segment_members WHERE store_id = \(bind: storeID) AND customer_id = \(bind: id)").run()
        try await sql.raw(
            "UPDATE data_requests SET customer_id = NULL, subject = '{}' WHERE store_id = \(bind: storeID) AND customer_id = \(bind: id)"
        ).run()
        try await sql.raw("DELETE FROM customers WHERE store_id = \(bind: storeID) AND id = \(bind: id)").run()
        return true
    }

    /// Erases every customer a reference can name: by external id, by e-mail, by anonymous id.
    public func eraseCustomers(matching ref: CustomerRef) async throws -> [Int64] {
        var ids: [Int64] = []
        if let externalId = ref.externalId {
            ids += try await sql.raw(
                "SELECT id FROM customers WHERE store_id = \(bind: storeID) AND external_id = \(bind: externalId)"
            ).all().map { try $0.int("id") }
        }
        if let email = ref.email {
            ids += try await sql.raw(
                "SELECT id FROM customers WHERE store_id = \(bind: storeID) AND email_key = \(bind: EmailAddress.normalized(email))"
            ).all().map { try $0.int("id") }
        }
        if let anonymousId = ref.anonymousId, let id = try await findCustomer(CustomerRef(anonymousId: anonymousId)) {
            ids.append(id)
        }
        var erased: [Int64] = []
        for id in Set(ids).sorted() where try await eraseCustomer(id: id) { erased.append(id) }
        return erased
    }

    /// Erases every customer of the store (the store's orders stay, anonymised).
    public func eraseAllCustomers() async throws -> Int {
        let ids = try await sql.raw("SELECT id FROM customers WHERE store_id = \(bind: storeID)").all().map { try $0.int("id") }
        for id in ids { _ = try await eraseCustomer(id: id) }
        try await sql.raw("DELETE FROM events WHERE store_id = \(bind: storeID)").run()
        return ids.count
    }

    public func recordDataRequest(customerId: Int64?, source: String, requestId: String?, subject: JSONValue) async throws {
        try await sql.raw(
            """
            INSERT INTO data_requests (store_id, customer_id, source, request_id, subject, received_at)
            VALUES (\(bind: storeID), \(bind: customerId), \(bind: source), \(bind: requestId), \(bind: subject.serialized()), \(bind: now))
            """
        ).run()
    }
}
