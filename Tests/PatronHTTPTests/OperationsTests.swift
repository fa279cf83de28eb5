import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronHTTP
import PatronStore
import Testing

@Suite("Operations endpoints")
struct OperationsTests {
    @Test("/healthz answers 200 without a key")
    func health() async throws {
        try await withPatron { patron in
            let response = try await patron.send(.get, "/healthz")
            #expect(response.status == .ok)
            #expect(try response.json()["status"]?.stringValue == "ok")
        }
    }

    @Test("/readyz answers 200 when the database answers")
    func readiness() async throws {
        try await withPatron { patron in
            let response = try await patron.send(.get, "/readyz")
            #expect(response.status == .ok, "\(response.bodyText)")
            let body = try response.json()
            #expect(body["status"]?.stringValue == "ready")
            #expect(body["database"]?.stringValue == "sqlite")
        }
    }

    @Test("/api/v1/openapi.json is served without a key, parses, and is the committed document")
    func openAPIDocument() async throws {
        try await withPatron { patron in
            let response = try await patron.send(.get, "/api/v1/openapi.json")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let served = try response.json()
            #expect(served["openapi"]?.stringValue?.hasPrefix("3.1") == true)
            #expect(served["paths"]?.objectValue?.isEmpty == false)
            let committed = try OpenAPIDocument.committed()
            #expect(served == committed, "the served document is the one in Sources")
        }
    }

    @Test("an unknown path is a problem+json 404 from the router")
    func unknownRoute() async throws {
        try await withPatron { patron in
            let response = try await patron.api(.get, "/api/v1/no-such-thing")
            #expect(response.status == .notFound)
            #expect(response.isProblem)
            #expect(response.isRouterNotFound)
        }
    }
}

/// The application exactly as `buildApplication` makes it, services included.
@Suite("Application lifecycle")
struct ApplicationLifecycleTests {
    /// HummingbirdTesting runs the application's services, then shuts them down gracefully once the closure returns,
    /// as `patron serve` does on SIGTERM. The time limit only guards against a hang: a service that ignores graceful
    /// shutdown keeps this test (and `patron serve`) from ever finishing.
    @Test(
        "buildApplication migrates in beforeServerStarts, serves, and stops on graceful shutdown",
        .timeLimit(.minutes(1)))
    func migratesServesAndStops() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("patron-http-lifecycle-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("patron.sqlite").path
        let database = try await Database.open(path)
        let app = buildApplication(configuration: PatronConfiguration(databaseLocation: path), database: database)
        try await app.test(.router) { client in
            // The schema exists only if beforeServerStarts ran the migration.
            let store = try await StoreRepository.create(name: "Lifecycle", in: database)
            let response = try await client.executeRequest(
                uri: "/api/v1/store", method: .get, headers: [.authorization: "Bearer \(store.secretKey)"], body: nil)
            #expect(response.status == .ok)
        }
    }
}
