import PatronCore
import SQLKit

/// A one-off marketing message to a segment.
public struct Campaign: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var segmentId: Int64
    public var topic: String
    /// `{"subject", "heading", "body", "buttonText", "buttonUrl"}`, all merchant text (escaped when rendered).
    public var content: JSONValue
    /// scheduled, sending, sent, cancelled
    public var status: String
    public var sendAt: Int64
    /// At most this many messages per hour (nil: as fast as the workers go).
    public var perHour: Int64?
    public var recipients: Int64?
    public var createdAt: Int64
    public var startedAt: Int64?
    public var finishedAt: Int64?

    public var json: JSONValue {
        [
            "id": .int(id), "name": .string(name), "segmentId": .int(segmentId), "topic": .string(topic), "content": content,
            "status": .string(status), "sendAt": .time(milliseconds: sendAt), "perHour": JSONValue(perHour),
            "recipients": JSONValue(recipients), "createdAt": .time(milliseconds: createdAt),
            "startedAt": .time(milliseconds: startedAt), "finishedAt": .time(milliseconds: finishedAt),
        ]
    }
}

public struct CampaignRepository: Sendable {
    public let sql: any SQLDatabase
    public let storeID: Int64

    public init(sql: any SQLDatabase, storeID: Int64) {
        self.sql = sql
        self.storeID = storeID
    }

    static let columns: SQLQueryString =
        "id, name, segment_id, topic, content, status, send_at, per_hour, recipients, created_at, started_at, finished_at"

    public func create(
        name: String, segmentId: Int64, topic: String, content: JSONValue, sendAt: Int64, perHour: Int64?, now: Int64
    ) async throws -> Campaign {
        guard
            let row = try await sql.raw(
                """
                INSERT INTO campaigns (store_id, name, segment_id, topic, content, status, send_at, per_hour, created_at, updated_at)
                VALUES (\(bind: storeID), \(bind: name), \(bind: segmentId), \(bind: topic), \(bind: content.serialized()),
                    'scheduled', \(bind: sendAt), \(bind: perHour), \(bind: now), \(bind: now))
                RETURNING \(Self.columns)
                """
            ).first()
        else { throw StoreError.unexpected("campaign insert returned nothing") }
        return try Self.campaign(row)
    }

    public func find(id: Int64) async throws -> Campaign? {
        try await sql.raw("SELECT \(Self.columns) FROM campaigns WHERE store_id = \(bind: storeID) AND id = \(bind: id)")
            .first().map(Self.campaign)
    }

    public func list(limit: Int, before: Int64?) async throws -> [Campaign] {
        var query: SQLQueryString = "SELECT \(Self.columns) FROM campaigns WHERE store_id = \(bind: storeID)"
        if let before { query += " AND id < \(bind: before)" }
        query += " ORDER BY id DESC LIMIT \(unsafeRaw: String(limit))"
        return try await sql.raw(query).all().map(Self.campaign)
    }

    /// Moves a campaign from one status to another; false when it was not in `from`.
    public func transition(
        id: Int64, from: [String], to status: String, recipients: Int64? = nil, now: Int64
    ) async throws -> Bool {
        let started: Int64? = status == "sending" ? now : nil
        let finished: Int64? = ["sent", "cancelled"].contains(status) ? now : nil
        return try await sql.raw(
            """
            UPDATE campaigns SET status = \(bind: status), updated_at = \(bind: now),
                recipients = COALESCE(\(bind: recipients), recipients), started_at = COALESCE(\(bind: started), started_at),
                finished_at = COALESCE(\(bind: finished), finished_at)
            WHERE store_id = \(bind: storeID) AND id = \(bind: id) AND status IN (\(binds: from)) RETURNING id
            """
        ).first() != nil
    }

    static func campaign(_ row: any SQLRow) throws -> Campaign {
        Campaign(
            id: try row.int("id"), name: try row.requiredText("name"), segmentId: try row.int("segment_id"),
            topic: try row.requiredText("topic"), content: try row.json("content", fallback: [:]),
            status: try row.requiredText("status"), sendAt: try row.int("send_at"), perHour: try row.optionalInt("per_hour"),
            recipients: try row.optionalInt("recipients"), createdAt: try row.int("created_at"),
            startedAt: try row.optionalInt("started_at"), finishedAt: try row.optionalInt("finished_at"))
    }
}
