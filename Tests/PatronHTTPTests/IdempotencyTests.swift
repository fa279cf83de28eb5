import Foundation
import HTTPTypes
import HummingbirdTesting
import PatronCore
import PatronStore
import Testing

@Suite("Idempotency-Key (Stripe semantics)")
struct IdempotencyTests {
    /// An event without a messageId: every plain POST of it stores a new row, so only the key can deduplicate it.
    static let event = #"{"type": "Checkout Started", "customerExternalId": "idem-cust"}"#

    static func keyed(_ key: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[PatronTestHarness.idempotencyKey] = key
        return headers
    }

    static func checkoutEvents(_ patron: PatronTestHarness, as store: StoreCredentials? = nil) async throws -> Int {
        try await patron.events(as: store).filter { $0["type"]?.stringValue == "Checkout Started" }.count
    }

    @Test("same key and body replays the first response with Idempotent-Replayed and writes one row")
    func replay() async throws {
        try await withPatron { patron in
            let first = try await patron.api(.post, "/api/v1/events", json: Self.event, headers: Self.keyed("key-1"))
            #expect(first.status == .created, "\(first.bodyText)")
            #expect(first.headers[PatronTestHarness.idempotentReplayed] == nil)

            let replayed = try await patron.api(.post, "/api/v1/events", json: Self.event, headers: Self.keyed("key-1"))
            #expect(replayed.status == first.status)
            #expect(replayed.bodyBytes == first.bodyBytes)
            #expect(replayed.headers[PatronTestHarness.idempotentReplayed] == "true")
            #expect(try await Self.checkoutEvents(patron) == 1)

            // Without a key the same body is a new event: the key is what prevented the second row.
            let unkeyed = try await patron.api(.post, "/api/v1/events", json: Self.event)
            #expect(unkeyed.status == .created)
            #expect(try await Self.checkoutEvents(patron) == 2)
        }
    }

    @Test("a replayed upsert answers the first status (201), not the status a second write would have (200)")
    func replayKeepsStatus() async throws {
        try await withPatron { patron in
            let body = #"{"externalId": "idem-c", "firstName": "Ana"}"#
            let first = try await patron.api(.post, "/api/v1/customers", json: body, headers: Self.keyed("cust-key"))
            #expect(first.status == .created)
            let replayed = try await patron.api(.post, "/api/v1/customers", json: body, headers: Self.keyed("cust-key"))
            #expect(replayed.status == .created)
            #expect(replayed.headers[PatronTestHarness.idempotentReplayed] == "true")
            #expect(replayed.bodyText == first.bodyText)
        }
    }

    @Test("same key with a different body is a 422 naming Idempotency-Key, and nothing is written")
    func keyReusedWithDifferentBody() async throws {
        try await withPatron { patron in
            _ = try await patron.api(.post, "/api/v1/events", json: Self.event, headers: Self.keyed("key-2"))
            let other = #"{"type": "Checkout Started", "customerExternalId": "someone-else"}"#
            let response = try await patron.api(.post, "/api/v1/events", json: other, headers: Self.keyed("key-2"))
            #expect(response.status == .unprocessableContent, "\(response.bodyText)")
            #expect(response.isProblem)
            #expect(try response.problemFields() == ["Idempotency-Key"])
            #expect(try await Self.checkoutEvents(patron) == 1)
            #expect(try await patron.customer(externalId: "someone-else") == nil)
        }
    }

    @Test("different stores use the same key independently")
    func keysAreScopedByStore() async throws {
        try await withPatron { patron in
            let inA = try await patron.api(.post, "/api/v1/events", json: Self.event, headers: Self.keyed("shared"))
            #expect(inA.status == .created)
            let inB = try await patron.api(
                .post, "/api/v1/events", as: patron.storeB, json: Self.event, headers: Self.keyed("shared"))
            #expect(inB.status == .created, "\(inB.bodyText)")
            #expect(inB.headers[PatronTestHarness.idempotentReplayed] == nil)
            let idInA = try inA.json()["id"]?.intValue
            let idInB = try inB.json()["id"]?.intValue
            #expect(idInA != idInB)
            #expect(try await Self.checkoutEvents(patron, as: patron.storeA) == 1)
            #expect(try await Self.checkoutEvents(patron, as: patron.storeB) == 1)

            // A key used in store A with one body is still new in store B, even with another body.
            _ = try await patron.api(.post, "/api/v1/events", json: Self.event, headers: Self.keyed("used-in-a"))
            let otherBody = #"{"type": "Checkout Started", "customerExternalId": "b-only"}"#
            let inBDifferent = try await patron.api(
                .post, "/api/v1/events", as: patron.storeB, json: otherBody, headers: Self.keyed("used-in-a"))
            #expect(inBDifferent.status == .created, "\(inBDifferent.bodyText)")
        }
    }

    @Test("a key longer than 255 characters is a 400 naming Idempotency-Key")
    func keyTooLong() async throws {
        try await withPatron { patron in
            let key = String(repeating: "k", count: 256)
            let response = try await patron.api(.post, "/api/v1/events", json: Self.event, headers: Self.keyed(key))
            #expect(response.status == .badRequest, "\(response.bodyText)")
            #expect(try response.problemFields() == ["Idempotency-Key"])
        }
    }
}
