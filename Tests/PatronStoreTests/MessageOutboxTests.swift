import Foundation
import PatronCore
import SQLKit
import Testing

@testable import PatronStore

/// The message outbox on every engine: one message per cause, leases, the sending record before the
/// hand-over, and interrupted sends counted as uncertain.
@Suite struct MessageOutboxTests {
    static let start: Int64 = 1_714_566_600_000

    func message(store: Int64, key: String, purpose: String = "transactional", sendAt: Int64 = start) -> NewMessage {
        NewMessage(
            store: store, customer: nil, flow: "order-thank-you", template: "order-thank-you", channel: "email", purpose: purpose,
            context: ["orderId": 1], dedupeKey: key, messageId: "patron.\(key)", sendAt: sendAt)
    }

    @Test(arguments: TestDatabases.all)
    func oneMessagePerCauseAndDueMessagesOnly(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await StoreRepository.create(name: "Shop", in: database).id
            let outbox = MessageOutbox(database: database)
            let first = try await database.write {
                try await MessageOutbox.enqueue(message(store: store, key: "k1"), now: Self.start, in: $0)
            }
            let again = try await database.write {
                try await MessageOutbox.enqueue(message(store: store, key: "k1"), now: Self.start, in: $0)
            }
            #expect(first != nil && again == nil)
            _ = try await database.write {
                try await MessageOutbox.enqueue(
                    message(store: store, key: "later", sendAt: Self.start + 60_000), now: Self.start, in: $0)
            }
            let claimed = try await outbox.claim(owner: "a", now: Self.start, leaseMilliseconds: 10_000, limit: 10)
            #expect(claimed.map(\.id) == [first!])
            #expect(try await outbox.claim(owner: "b", now: Self.start + 1, leaseMilliseconds: 10_000, limit: 10).isEmpty)
        }
    }

    @Test(arguments: TestDatabases.all)
    func anInterruptedSendIsTakenOverAndCountedAsUncertain(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await StoreRepository.create(name: "Shop", in: database).id
            let outbox = MessageOutbox(database: database)
            let log = MessageLog(database: database)
            _ = try await database.write {
                try await MessageOutbox.enqueue(message(store: store, key: "k1"), now: Self.start, in: $0)
            }
            let leased = try #require(
                try await outbox.claim(owner: "a", now: Self.start, leaseMilliseconds: 10_000, limit: 1).first)
            #expect(try await outbox.markSending(leased, recipient: "ana@example.com", subject: "Thanks", now: Self.start))
            // Worker a dies between "sending" and "sent". After its lease, b takes the message over.
            let retaken = try #require(
                try await outbox.claim(owner: "b", now: Self.start + 10_001, leaseMilliseconds: 10_000, limit: 1).first)
            #expect(retaken.status == "sending" && retaken.attempts == 1)
            // a's late answer is refused: the lease is b's now.
            #expect(try await outbox.markSent(leased, response: "250 late", now: Self.start + 10_002) == false)
            #expect(try await outbox.recordInterruption(retaken, now: Self.start + 10_002))
            var requeued = retaken
            requeued.status = "queued"
            #expect(
                try await outbox.markSending(requeued, recipient: "ana@example.com", subject: "Thanks", now: Self.start + 10_002))
            #expect(try await outbox.markSent(requeued.withSending(), response: "250 ok", now: Self.start + 10_003))
            let summary = try await log.summary(store: store)
            #expect(summary["byStatus"]?["sent"] == .int(1) && summary["uncertainSends"] == .int(1))
            // Sent is final: nothing claims it again.
            #expect(try await outbox.claim(owner: "c", now: Self.start + 99_000_000, leaseMilliseconds: 1, limit: 10).isEmpty)
        }
    }

    @Test(arguments: TestDatabases.all)
    func retriesKeepTheirAttemptsAndGuardrailRefusalsAreFinal(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await StoreRepository.create(name: "Shop", in: database).id
            let outbox = MessageOutbox(database: database)
            for key in ["retry", "suppress"] {
                _ = try await database.write {
                    try await MessageOutbox.enqueue(message(store: store, key: key), now: Self.start, in: $0)
                }
            }
            let leased = try await outbox.claim(owner: "a", now: Self.start, leaseMilliseconds: 10_000, limit: 10)
            #expect(leased.count == 2)
            #expect(
                try await outbox.reschedule(
                    leased[0], at: Self.start + 5_000, error: "421 busy", attempts: 1, uncertain: false, now: Self.start))
            #expect(try await outbox.markSuppressed(leased[1], reason: "no_marketing_consent", now: Self.start))
            #expect(try await outbox.claim(owner: "b", now: Self.start + 4_999, leaseMilliseconds: 10_000, limit: 10).isEmpty)
            let again = try await outbox.claim(owner: "b", now: Self.start + 5_000, leaseMilliseconds: 10_000, limit: 10)
            #expect(again.map(\.id) == [leased[0].id] && again.first?.attempts == 1)
            let page = try await MessageLog(database: database).list(
                store: store, filter: .init(status: "suppressed"), limit: 10, before: nil)
            #expect(page.items.first?["reason"] == "no_marketing_consent")
        }
    }

    @Test(arguments: TestDatabases.all)
    func engagementIsKeptOnTheMessageAndBackfilledFromItsEvents(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = try await StoreRepository.create(name: "Shop", in: database).id
            let customer = try await database.writing(store) {
                try await $0.upsertCustomer(CustomerInput(externalId: "c-1", email: "ana@example.com")).id
            }
            var ids: [Int64] = []
            for key in ["opened", "clicked", "untouched"] {
                var new = message(store: store, key: key, purpose: "marketing")
                new.customer = customer
                ids.append(
                    try #require(try await database.write { try await MessageOutbox.enqueue(new, now: Self.start, in: $0) }))
            }
            func engage(_ type: String, _ key: String, message: Int64, at seconds: TimeInterval) async throws -> Bool {
                try await database.writing(store, at: Date(timeIntervalSince1970: seconds)) {
                    try await $0.recordEngagement(
                        type: type, customerId: customer, dedupeKey: key, properties: ["messageId": .int(message)])
                }
            }
            #expect(try await engage("Email Opened", "email-open:\(ids[0])", message: ids[0], at: 1_714_570_000))
            #expect(try await engage("Email Opened", "email-open:\(ids[1])", message: ids[1], at: 1_714_570_100))
            #expect(try await engage("Email Clicked", "click:\(ids[1]):00112233445566ff", message: ids[1], at: 1_714_570_200))
            #expect(try await engage("SMS Clicked", "click:\(ids[1]):ffeeddccbbaa9988", message: ids[1], at: 1_714_570_300))
            #expect(try await engage("Unsubscribed", "unsubscribe:\(ids[1])", message: ids[1], at: 1_714_570_400))
            #expect(try await engage("Email Opened", "email-open:\(ids[0])", message: ids[0], at: 1_714_570_500) == false)
            let expected: [[Int64?]] = [
                [1_714_570_000_000, nil, nil], [1_714_570_100_000, 1_714_570_200_000, 1_714_570_400_000], [nil, nil, nil],
            ]
            func engagement() async throws -> [[Int64?]] {
                try await database.read { sql in
                    try await sql.raw(
                        "SELECT opened_at, clicked_at, unsubscribed_at FROM messages WHERE store_id = \(bind: store) ORDER BY id"
                    ).all().map { row in
                        [
                            try row.optionalInt("opened_at"), try row.optionalInt("clicked_at"),
                            try row.optionalInt("unsubscribed_at"),
                        ]
                    }
                }
            }
            #expect(try await engagement() == expected, "the first open and click are kept, a repeat changes nothing")

            // Messages from before the columns existed get them from the events' dedupe keys.
            try await database.write(store: store) { sql in
                try await sql.raw("UPDATE messages SET opened_at = NULL, clicked_at = NULL, unsubscribed_at = NULL").run()
                for statement in Schema.messageEngagement where statement.hasPrefix("UPDATE") {
                    try await sql.raw(SQLQueryString(statement)).run()
                }
            }
            #expect(try await engagement() == expected)
        }
    }
}

extension OutboxMessage {
    func withSending() -> OutboxMessage {
        var copy = self
        copy.status = "sending"
        return copy
    }

}
