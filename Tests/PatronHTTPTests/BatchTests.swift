import Foundation
import HTTPTypes
import HummingbirdTesting
import PatronCore
import PatronStore
import Testing

@Suite("Batch endpoints: per-item errors, valid items kept")
struct BatchTests {
    @Test("POST /events/batch with one invalid item of three: 200, two accepted and stored, item 1 rejected")
    func eventBatchKeepsValidItems() async throws {
        try await withPatron { patron in
            let body = #"""
                {"items": [
                  {"type": "Product Viewed", "customerExternalId": "batch-cust", "messageId": "batch-0"},
                  {"customerExternalId": "batch-cust", "messageId": "batch-1"},
                  {"type": "Product Added", "customerExternalId": "batch-cust", "messageId": "batch-2"}
                ]}
                """#
            let response = try await patron.api(.post, "/api/v1/events/batch", json: body)
            #expect(response.status == .ok, "\(response.bodyText)")
            let result = try response.json()
            #expect(result["accepted"]?.intValue == 2)
            #expect(result["rejected"]?.intValue == 1)
            let results = try #require(result["results"]?.arrayValue)
            try #require(results.count == 3)
            #expect(results.map { $0["index"]?.intValue } == [0, 1, 2])
            #expect(results.map { $0["status"]?.stringValue } == ["created", "rejected", "created"])
            #expect(results[0]["id"]?.intValue != nil)
            let rejectedFields = results[1]["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
            #expect(rejectedFields == ["items[1].type"])
            #expect(rejectedFields.allSatisfy { $0.hasPrefix("items[1].") })

            let stored = try await patron.events().compactMap { $0["messageId"]?.stringValue }
            #expect(Set(stored) == ["batch-0", "batch-2"])
        }
    }

    @Test("POST /orders/batch names a nested field of the rejected item and stores the others")
    func orderBatchNamesNestedField() async throws {
        try await withPatron { patron in
            let body = #"""
                {"items": [
                  {"externalId": "b-1", "currency": "USD", "placedAt": "2024-05-01T10:00:00Z",
                   "lineItems": [{"title": "Tee", "quantity": 2, "unitPrice": 1500}]},
                  {"externalId": "b-2", "currency": "USD", "placedAt": "2024-05-01T10:00:00Z",
                   "lineItems": [{"title": "Tee", "quantity": 0, "unitPrice": 1500}]},
                  "not an object"
                ]}
                """#
            let response = try await patron.api(.post, "/api/v1/orders/batch", json: body)
            #expect(response.status == .ok, "\(response.bodyText)")
            let result = try response.json()
            #expect(result["accepted"]?.intValue == 1)
            #expect(result["rejected"]?.intValue == 2)
            let results = try #require(result["results"]?.arrayValue)
            try #require(results.count == 3)
            #expect(results[1]["errors"]?[0]?["field"]?.stringValue == "items[1].lineItems[0].quantity")
            #expect(results[2]["errors"]?[0]?["field"]?.stringValue == "items[2]")
            #expect(try await patron.order(externalId: "b-1")?["total"]?.intValue == 3000)
            #expect(try await patron.order(externalId: "b-2") == nil)
        }
    }

    @Test("POST /customers/batch upserts: a second batch with the same externalIds reports updated")
    func customerBatchUpserts() async throws {
        try await withPatron { patron in
            let body = #"{"items": [{"externalId": "bc-1", "firstName": "A"}, {"externalId": "bc-2"}]}"#
            let first = try await patron.api(.post, "/api/v1/customers/batch", json: body)
            #expect(first.status == .ok)
            let firstStatuses = try first.json()["results"]?.arrayValue?.map { $0["status"]?.stringValue }
            #expect(firstStatuses == ["created", "created"])
            let second = try await patron.api(.post, "/api/v1/customers/batch", json: body)
            let secondStatuses = try second.json()["results"]?.arrayValue?.map { $0["status"]?.stringValue }
            #expect(secondStatuses == ["updated", "updated"])
            #expect(try await patron.list("/api/v1/customers").count == 2)
        }
    }

    @Test("a batch of 1,001 items is a 422 naming items, and nothing is stored")
    func batchTooLarge() async throws {
        try await withPatron { patron in
            let item = #"{"type": "T", "customerExternalId": "c"}"#
            let body = #"{"items": ["# + Array(repeating: item, count: 1_001).joined(separator: ",") + "]}"
            let response = try await patron.api(.post, "/api/v1/events/batch", json: body)
            #expect(response.status == .unprocessableContent, "\(response.bodyText)")
            #expect(response.isProblem)
            #expect(try response.problemFields().contains("items"))
            #expect(try await patron.events().isEmpty)

            let atLimit = #"{"items": ["# + Array(repeating: item, count: 1_000).joined(separator: ",") + "]}"
            let accepted = try await patron.api(.post, "/api/v1/events/batch", json: atLimit)
            #expect(accepted.status == .ok, "1,000 items is within the limit")
            #expect(try accepted.json()["accepted"]?.intValue == 1_000)
        }
    }

    @Test("an empty batch is a 422 naming items")
    func emptyBatch() async throws {
        try await withPatron { patron in
            let response = try await patron.api(.post, "/api/v1/events/batch", json: #"{"items": []}"#)
            #expect(response.status == .unprocessableContent, "\(response.bodyText)")
            #expect(try response.problemFields().contains("items"))

            let missing = try await patron.api(.post, "/api/v1/customers/batch", json: "{}")
            #expect(missing.status == .unprocessableContent, "\(missing.bodyText)")
            #expect(try missing.problemFields().contains("items"))
        }
    }
}

@Suite struct BatchStoreRejectionTests {
    @Test("an item the store rejects while writing fails alone; the others in the batch are kept")
    func storeLevelRejectionIsPerItem() async throws {
        try await withPatron { patron in
            let first = #"{"externalId": "p-1", "currency": "USD", "variants": [{"externalId": "shared-v", "price": 100}]}"#
            let created = try await patron.api(.post, "/api/v1/products", json: first)
            #expect(created.status == .created, "\(created.bodyText)")
            let batch = #"""
                {"items": [
                  {"externalId": "p-2", "currency": "USD", "variants": [{"externalId": "shared-v", "price": 200}]},
                  {"externalId": "p-3", "currency": "USD", "variants": [{"externalId": "own-v", "price": 300}]}
                ]}
                """#
            let response = try await patron.api(.post, "/api/v1/products/batch", json: batch)
            #expect(response.status == .ok, "\(response.bodyText)")
            let body = try response.json()
            #expect(body["accepted"] == .int(1))
            #expect(body["rejected"] == .int(1))
            let results = body["results"]?.arrayValue ?? []
            #expect(results.first?["status"] == "rejected")
            #expect(results.first?["errors"]?.arrayValue?.first?["field"] == "items[0].variants[0].externalId")
            #expect(results.last?["status"] == "created")
        }
    }
}
