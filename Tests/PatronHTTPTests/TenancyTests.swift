import Foundation
import HTTPTypes
import HummingbirdTesting
import PatronCore
import PatronStore
import Testing

@Suite("Authentication and tenancy: a key reaches its own store's data only")
struct TenancyTests {
    @Test("no key, a malformed header or an unknown key is a 401 problem")
    func missingOrUnknownKey() async throws {
        try await withPatron { patron in
            let anonymous = try await patron.send(.get, "/api/v1/customers")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.isProblem)
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            #expect(try anonymous.json()["status"]?.intValue == 401)

            for header in ["Basic c2tfeDo=", "Bearer", "Bearer sk_not-a-real-key", "Token \(patron.storeA.secretKey)"] {
                var headers = HTTPFields()
                headers[.authorization] = header
                let response = try await patron.send(.get, "/api/v1/customers", headers: headers)
                #expect(response.status == .unauthorized, "Authorization: \(header)")
                #expect(response.isProblem)
            }

            let write = try await patron.send(
                .post, "/api/v1/customers", headers: [.contentType: "application/json"],
                body: Array(#"{"externalId": "sneaky"}"#.utf8))
            #expect(write.status == .unauthorized)
            #expect(try await patron.customer(externalId: "sneaky") == nil)
        }
    }

    @Test("a write key (wk_) is not accepted on /api/v1")
    func writeKeyRejectedOnRESTAPI() async throws {
        try await withPatron { patron in
            let response = try await patron.send(
                .get, "/api/v1/customers", headers: [.authorization: "Bearer \(patron.storeA.writeKey)"])
            #expect(response.status == .unauthorized)
            #expect(response.isProblem)
        }
    }

    @Test("store B's secret key cannot read, list, change or erase store A's rows")
    func storesAreIsolated() async throws {
        try await withPatron { patron in
            let customer = try await patron.api(.post, "/api/v1/customers", json: RESTFixture.customer)
            let customerId = try #require(try customer.json()["id"]?.intValue)
            let order = try await patron.api(.post, "/api/v1/orders", json: RESTFixture.order)
            let orderId = try #require(try order.json()["id"]?.intValue)
            let event = try await patron.api(
                .post, "/api/v1/events",
                json: #"{"type": "Viewed", "customerExternalId": "cust-1", "messageId": "a-1"}"#)
            #expect(event.status == .created)
            let storeB = patron.storeB

            let storeAResources = [
                "/api/v1/customers/\(customerId)", "/api/v1/customers/\(customerId)/export",
                "/api/v1/orders/\(orderId)",
            ]
            for uri in storeAResources {
                let response = try await patron.api(.get, uri, as: storeB)
                #expect(response.status == .notFound, "GET \(uri) with store B's key: \(response.bodyText)")
                #expect(!response.bodyText.contains("ana@example.com"))
            }
            #expect(try await patron.list("/api/v1/customers", as: storeB).isEmpty)
            #expect(try await patron.list("/api/v1/orders", as: storeB).isEmpty)
            #expect(try await patron.events(as: storeB).isEmpty)
            #expect(try await patron.list("/api/v1/customers?email=ana@example.com", as: storeB).isEmpty)
            #expect(try await patron.customer(externalId: "cust-1", as: storeB) == nil)
            #expect(try await patron.order(externalId: RESTFixture.orderExternalId, as: storeB) == nil)
            #expect(try await patron.list("/api/v1/events?customerId=\(customerId)", as: storeB).isEmpty)

            let erase = try await patron.api(.delete, "/api/v1/customers/\(customerId)", as: storeB)
            #expect(erase.status == .notFound)

            // The same externalId in store B is a different customer; store A's is untouched.
            let inB = try await patron.api(
                .post, "/api/v1/customers", as: storeB, json: #"{"externalId": "cust-1", "firstName": "Mallory"}"#)
            #expect(inB.status == .created, "\(inB.bodyText)")
            #expect(try inB.json()["id"]?.intValue != customerId)

            let stillA = try await patron.api(.get, "/api/v1/customers/\(customerId)")
            #expect(stillA.status == .ok)
            #expect(try stillA.json()["firstName"]?.stringValue == "Ana")
            #expect(try await patron.list("/api/v1/customers").count == 1)
        }
    }

    @Test("GET /store names the key's own store")
    func storeOfKey() async throws {
        try await withPatron { patron in
            let a = try await patron.api(.get, "/api/v1/store")
            #expect(try a.json()["id"]?.intValue == patron.storeA.id)
            let b = try await patron.api(.get, "/api/v1/store", as: patron.storeB)
            #expect(try b.json()["name"]?.stringValue == "Store B")
        }
    }
}
