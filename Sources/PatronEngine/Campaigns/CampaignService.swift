import Foundation
import PatronCore
import PatronStore
import SQLKit

/// One-off marketing messages to a saved segment: created now or for later, queued by a job at the
/// send time (members as of the last analytics refresh), spread out to at most `perHour` messages an
/// hour, and sent through the same outbox and guardrails as flows (consent, topic, suppression,
/// frequency cap), so a customer who unsubscribed meanwhile is skipped with the reason recorded.
public struct CampaignService: Sendable {
    public static let sendKind = "campaign.send"
    public let database: Database
    public let clock: @Sendable () -> Date

    public init(database: Database, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.clock = clock
    }

    public enum Refusal: Error, CustomStringConvertible {
        case notFound(Int64)
        case notCancellable(String)

        public var description: String {
            switch self {
            case .notFound(let id): "no campaign with id \(id)"
            case .notCancellable(let status): "a \(status) campaign cannot be cancelled"
            }
        }
    }

    /// A validated campaign, before its segment is looked up.
    public struct Draft: Sendable {
        let name: String
        let segment: JSONValue
        let topic: String
        let content: JSONValue
        let sendAt: Int64?
        let perHour: Int64?
    }

    /// Checks the request body; every problem is named by field.
    public func draft(_ body: JSONValue) throws(ValidationFailure) -> Draft {
        var reader = try FieldReader.root(body)
        let name = reader.string("name", required: true, maxLength: 200)
        let topic = reader.string("topic") ?? "offers"
        if !FlowDefinition.topics.contains(topic) {
            reader.fail("topic", "expected one of \(FlowDefinition.topics.joined(separator: ", "))")
        }
        let segmentRef = body["segment"]
        switch segmentRef {
        case .int, .string: break
        default: reader.fail("segment", "is required: a segment id or name")
        }
        let content = reader.nested("content", required: true) { content -> JSONValue? in
            let subject = content.string("subject", required: true, maxLength: 200)
            if let subject, subject.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
                content.fail("subject", "must be one line")
            }
            let heading = content.string("heading", maxLength: 200)
            let text = content.string("body", required: true, maxLength: 20_000)
            let buttonText = content.string("buttonText", maxLength: 60)
            let buttonURL = content.string("buttonUrl", maxLength: 2_000)
            if let buttonURL, !(buttonURL.hasPrefix("https://") || buttonURL.hasPrefix("http://")) {
                content.fail("buttonUrl", "expected an http(s) URL")
            }
            if (buttonText == nil) != (buttonURL == nil) {
                content.fail("buttonUrl", "a button needs both buttonText and buttonUrl")
            }
            return .compactObject([
                "subject": subject.map(JSONValue.string), "heading": heading.map(JSONValue.string),
                "body": text.map(JSONValue.string), "buttonText": buttonText.map(JSONValue.string),
                "buttonUrl": buttonURL.map(JSONValue.string),
            ])
        }
        let sendAt = reader.timestamp("sendAt").map(Timestamp.milliseconds)
        if let sendAt, sendAt > Timestamp.milliseconds(clock()) + 366 * 86_400_000 {
            reader.fail("sendAt", "must be within a year")
        }
        let perHour = reader.integer("perHour", range: 1...1_000_000)
        try reader.finish()
        guard let name, let content, let segmentRef else {
            throw ValidationFailure(field: "(body)", message: "incomplete campaign")
        }
        return Draft(name: name, segment: segmentRef, topic: topic, content: content, sendAt: sendAt, perHour: perHour)
    }

    /// Saves the campaign and queues its send job, inside the caller's write transaction.
    public func insert(_ draft: Draft, store: Int64, sql: any SQLDatabase, now: Int64) async throws -> Campaign {
        let segments = SegmentRepository(sql: sql, storeID: store)
        let segment: SegmentRecord?
        switch draft.segment {
        case .int(let id): segment = try await segments.find(id: id)
        case .string(let segmentName): segment = try await segments.list().first { $0.name == segmentName }
        default: segment = nil
        }
        guard let segment else {
            throw ValidationFailure(
                field: "segment", message: "no saved segment \(draft.segment.identifierText ?? "") in this store")
        }
        let campaign = try await CampaignRepository(sql: sql, storeID: store).create(
            name: draft.name, segmentId: segment.id, topic: draft.topic, content: draft.content,
            sendAt: max(draft.sendAt ?? now, now), perHour: draft.perHour, now: now)
        try await JobQueue.enqueue(
            JobQueue.Enqueue(
                kind: Self.sendKind, store: store, payload: ["campaign": .int(campaign.id)], runAt: campaign.sendAt,
                dedupeKey: "\(Self.sendKind):\(campaign.id)", maxAttempts: 5),
            now: now, in: sql)
        return campaign
    }

    public func create(_ body: JSONValue, store: Int64) async throws -> Campaign {
        let draft = try draft(body)
        let now = Timestamp.milliseconds(clock())
        return try await database.write(store: store) { try await insert(draft, store: store, sql: $0, now: now) }
    }

    /// Queues one message per member of the segment, spaced to the hourly limit, in chunks of
    /// `chunkSize` per transaction so a large segment does not hold the store's write lock; a send
    /// interrupted part-way continues where it stopped (the dedupe keys skip what is queued). Returns
    /// how many messages it queued.
    @discardableResult
    public func send(campaign id: Int64, store: Int64, chunkSize: Int = 1_000) async throws -> Int {
        let start = Timestamp.milliseconds(clock())
        let plan = try await database.write(store: store) { sql -> (Campaign, [Int64])? in
            let campaigns = CampaignRepository(sql: sql, storeID: store)
            guard let campaign = try await campaigns.find(id: id), ["scheduled", "sending"].contains(campaign.status) else {
                return nil
            }
            _ = try await campaigns.transition(id: id, from: ["scheduled"], to: "sending", now: start)
            return (campaign, try await SegmentRepository(sql: sql, storeID: store).allMembers(segment: campaign.segmentId))
        }
        guard let (campaign, members) = plan else { return 0 }
        let firstSend = campaign.startedAt ?? start
        var queued = 0
        for chunkStart in stride(from: 0, to: members.count, by: chunkSize) {
            let stillSending = try await database.write(store: store) { sql -> Bool in
                guard try await CampaignRepository(sql: sql, storeID: store).find(id: id)?.status == "sending" else {
                    return false
                }
                let now = Timestamp.milliseconds(clock())
                for index in chunkStart..<min(members.count, chunkStart + chunkSize) {
                    let offset = campaign.perHour.map { Int64(index) * 3_600_000 / $0 } ?? 0
                    let dedupeKey = "campaign:\(id):customer:\(members[index])"
                    if try await MessageOutbox.enqueue(
                        NewMessage(
                            store: store, customer: members[index], flow: nil, template: "campaign", channel: "email",
                            purpose: "marketing", context: ["campaignId": .int(id)], dedupeKey: dedupeKey,
                            messageId: FlowTriggers.messageIdLocalPart(store: store, dedupeKey: dedupeKey),
                            sendAt: firstSend + offset, topic: campaign.topic, campaign: id),
                        now: now, in: sql) != nil
                    {
                        queued += 1
                    }
                }
                return true
            }
            if !stillSending { return queued }
        }
        _ = try await database.write(store: store) { sql in
            try await CampaignRepository(sql: sql, storeID: store).transition(
                id: id, from: ["sending"], to: "sent", recipients: Int64(members.count), now: Timestamp.milliseconds(clock()))
        }
        return queued
    }

    /// Stops a campaign: not yet queued, it never will be; queued, its waiting messages are withdrawn.
    public func cancel(campaign id: Int64, store: Int64) async throws -> Campaign {
        let now = Timestamp.milliseconds(clock())
        return try await database.write(store: store) { sql in
            let campaigns = CampaignRepository(sql: sql, storeID: store)
            guard let campaign = try await campaigns.find(id: id) else { throw Refusal.notFound(id) }
            guard try await campaigns.transition(id: id, from: ["scheduled", "sending", "sent"], to: "cancelled", now: now) else {
                throw Refusal.notCancellable(campaign.status)
            }
            try await sql.raw(
                """
                UPDATE messages SET status = 'suppressed', reason = 'campaign_cancelled', updated_at = \(bind: now)
                WHERE store_id = \(bind: store) AND campaign_id = \(bind: id) AND status = 'queued'
                    AND (lease_until IS NULL OR lease_until < \(bind: now))
                """
            ).run()
            return try await campaigns.find(id: id) ?? campaign
        }
    }

    public func handler() -> JobWorker.Handler {
        { job in
            guard let store = job.store, case .int(let id) = job.payload["campaign"] ?? .null else {
                throw PermanentJobError("a campaign.send job needs a store and a campaign")
            }
            _ = try await send(campaign: id, store: store)
        }
    }
}
