import Foundation
import PatronCore
import SQLKit

/// A saved segment: a named rule whose members are recomputed on every analytics refresh.
public struct SegmentRecord: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var description: String?
    public var rule: String
    public var memberCount: Int64?
    public var refreshedAt: Int64?
    public var createdAt: Int64
    public var updatedAt: Int64

    public var json: JSONValue {
        [
            "id": .int(id), "name": .string(name), "description": JSONValue(description), "rule": .string(rule),
            "memberCount": JSONValue(memberCount), "refreshedAt": .time(milliseconds: refreshedAt),
            "createdAt": .time(milliseconds: createdAt), "updatedAt": .time(milliseconds: updatedAt),
        ]
    }
}

/// Segments and their memberships, scoped by store.
public struct SegmentRepository {
    public let sql: any SQLDatabase
    public let storeID: Int64

    public init(sql: any SQLDatabase, storeID: Int64) {
        self.sql = sql
        self.storeID = storeID
    }

    public enum SaveError: Error, Equatable { case nameTaken }

    public func create(name: String, description: String?, rule: String, now: Int64) async throws -> SegmentRecord {
        guard try await findByName(name) == nil else { throw SaveError.nameTaken }
        let row = try await sql.raw(
            """
            INSERT INTO segments (store_id, name, description, rule, created_at, updated_at)
            VALUES (\(bind: storeID), \(bind: name), \(bind: description), \(bind: rule), \(bind: now), \(bind: now)) RETURNING id
            """
        ).first()
        guard let id = try row?.int("id"), let record = try await find(id: id) else { throw SaveError.nameTaken }
        return record
    }

    public func update(id: Int64, name: String?, description: String??, rule: String?, now: Int64) async throws -> SegmentRecord?
    {
        guard var record = try await find(id: id) else { return nil }
        if let name, name != record.name {
            guard try await findByName(name) == nil else { throw SaveError.nameTaken }
            record.name = name
        }
        if let description { record.description = description }
        if let rule, rule != record.rule {
            record.rule = rule
            record.memberCount = nil
        }
        try await sql.raw(
            """
            UPDATE segments SET name = \(bind: record.name), description = \(bind: record.description), rule = \(bind: record.rule),
                member_count = \(bind: record.memberCount), updated_at = \(bind: now)
            WHERE store_id = \(bind: storeID) AND id = \(bind: id)
            """
        ).run()
        return try await find(id: id)
    }

    public func delete(id: Int64) async throws -> Bool {
        guard try await find(id: id) != nil else { return false }
        try await sql.raw("DELETE FROM segment_members WHERE store_id = \(bind: storeID) AND segment_id = \(bind: id)").run()
        try await sql.raw("DELETE FROM segments WHERE store_id = \(bind: storeID) AND id = \(bind: id)").run()
        return true
    }

    public func find(id: Int64) async throws -> SegmentRecord? {
        try await sql.raw("SELECT * FROM segments WHERE store_id = \(bind: storeID) AND id = \(bind: id)").first().map(
            Self.record)
    }

    public func findByName(_ name: String) async throws -> SegmentRecord? {
        try await sql.raw("SELECT * FROM segments WHERE store_id = \(bind: storeID) AND name = \(bind: name)").first().map(
            Self.record)
    }

    public func list() async throws -> [SegmentRecord] {
        try await sql.raw("SELECT * FROM segments WHERE store_id = \(bind: storeID) ORDER BY id").all().map(Self.record)
    }

    /// A page of member customer ids above `after`, ascending.
    public func members(segment: Int64, after: Int64 = 0, limit: Int) async throws -> [Int64] {
        try await sql.raw(
            """
            SELECT customer_id FROM segment_members WHERE store_id = \(bind: storeID) AND segment_id = \(bind: segment)
            AND customer_id > \(bind: after) ORDER BY customer_id LIMIT \(unsafeRaw: String(limit))
            """
        ).all().map { try $0.int("customer_id") }
    }

    /// Every member's customer id, read in pages.
    public func allMembers(segment: Int64) async throws -> [Int64] {
        var members: [Int64] = []
        try await forEachKeysetPage(size: 50_000, key: { $0 }) { after in
            try await self.members(segment: segment, after: after, limit: 50_000)
        } _: {
            members += $0
        }
        return members
    }

    /// Applies a recomputed membership: adds and removes rows and records a `Segment Entered` or
    /// `Segment Exited` event per change, deduplicated by run so a retried refresh records nothing twice.
    public func applyMembership(
        segment: SegmentRecord, entered: [Int64], exited: [Int64], memberCount: Int, run: Int64, now: Int64
    ) async throws {
        let chunkSize = 200
        for chunkStart in stride(from: 0, to: entered.count, by: chunkSize) {
            let chunk = entered[chunkStart..<min(entered.count, chunkStart + chunkSize)]
            var query: SQLQueryString = "INSERT INTO segment_members (store_id, segment_id, customer_id, entered_at) VALUES "
            for (position, customer) in chunk.enumerated() {
                query += position == 0 ? "" : ", "
                query += "(\(bind: storeID), \(bind: segment.id), \(bind: customer), \(bind: now))"
            }
            query += " ON CONFLICT (segment_id, customer_id) DO NOTHING"
            try await sql.raw(query).run()
        }
        for chunkStart in stride(from: 0, to: exited.count, by: chunkSize) {
            let chunk = exited[chunkStart..<min(exited.count, chunkStart + chunkSize)]
            var query: SQLQueryString = """
                DELETE FROM segment_members WHERE store_id = \(bind: storeID) AND segment_id = \(bind: segment.id)
                AND customer_id IN (
                """
            for (position, customer) in chunk.enumerated() {
                query += position == 0 ? "\(bind: customer)" : ", \(bind: customer)"
            }
            query += ")"
            try await sql.raw(query).run()
        }
        let properties = JSONValue.object(["segment_id": .int(segment.id), "segment_name": .string(segment.name)])
            .serialized()
        let changes = entered.map { ($0, "Segment Entered", "entered") } + exited.map { ($0, "Segment Exited", "exited") }
        for chunkStart in stride(from: 0, to: changes.count, by: chunkSize) {
            var query: SQLQueryString = """
                INSERT INTO events (store_id, customer_id, type, message_id, occurred_at, received_at, source, properties)
                VALUES
                """
            for index in chunkStart..<min(changes.count, chunkStart + chunkSize) {
                let (customer, type, verb) = changes[index]
                let messageId = "segment:\(segment.id):\(verb):\(customer):run\(run)"
                query += index == chunkStart ? " " : ", "
                query += """
                    (\(bind: storeID), \(bind: customer), \(bind: type), \(bind: messageId), \(bind: now), \(bind: now),
                    'patron', \(bind: properties))
                    """
            }
            query += " ON CONFLICT (store_id, message_id) DO NOTHING"
            try await sql.raw(query).run()
        }
        try await sql.raw(
            """
            UPDATE segments SET member_count = \(bind: Int64(memberCount)), refreshed_at = \(bind: now)
            WHERE store_id = \(bind: storeID) AND id = \(bind: segment.id)
            """
        ).run()
    }

    static func record(_ row: any SQLRow) throws -> SegmentRecord {
        SegmentRecord(
            id: try row.int("id"), name: try row.requiredText("name"), description: try row.text("description"),
            rule: try row.requiredText("rule"), memberCount: try row.optionalInt("member_count"),
            refreshedAt: try row.optionalInt("refreshed_at"), createdAt: try row.int("created_at"),
            updatedAt: try row.int("updated_at"))
    }
}
