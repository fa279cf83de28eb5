import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronHTTP
import PatronStore
import Testing

/// The committed OpenAPI document, Sources/PatronHTTP/Resources/openapi.json, read from the source tree.
enum OpenAPIDocument {
    /// Tests/PatronHTTPTests/<this file> -> package root -> the document.
    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Sources/PatronHTTP/Resources/openapi.json")

    static let operationKeys: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

    static func committed() throws -> JSONValue {
        try JSONParser.parse(bytes: Array(try Data(contentsOf: url)))
    }

    /// "METHOD /path/{param}" for every operation in `paths`.
    static func operations(_ document: JSONValue) -> Set<String> {
        var operations: Set<String> = []
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for key in (item.objectValue ?? [:]).keys where operationKeys.contains(key) {
                operations.insert("\(key.uppercased()) \(path)")
            }
        }
        return operations
    }
}

@Suite("OpenAPI document and router agree")
struct OpenAPIAgreementTests {
    /// The API surfaces the document must describe completely.
    static let documentedPrefixes = ["/api/v1/", "/v1/", "/webhooks/"]

    /// A path template with every `{parameter}` replaced by a well-formed id that names nothing.
    static func concrete(_ template: String) -> String {
        template.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("{") && $0.hasSuffix("}") ? "999999" : String($0) }
            .joined(separator: "/")
    }

    @Test("every route the router registers under /api/v1, /v1 and /webhooks is in the document, and vice versa")
    func registeredRoutesAreDocumented() async throws {
        try await withPatron { patron in
            // The routes as Hummingbird holds them ("/api/v1/customers/{id}"), so that a route added anywhere,
            // however it is registered, must be documented.
            let router = buildRouter(
                configuration: PatronConfiguration(), database: patron.database, metrics: nil, clock: { Date() })
            let registered = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
            let documented = OpenAPIDocument.operations(try OpenAPIDocument.committed())
            #expect(documented.count > 20, "the document lists the API: \(documented.sorted())")
            #expect(registered.contains("GET /api/v1/customers/{id}"), "route paths read as templates: \(registered)")

            let apiRoutes = registered.filter { route in
                let path = route.split(separator: " ", maxSplits: 1).last.map { String($0) } ?? ""
                return Self.documentedPrefixes.contains { path.hasPrefix($0) }
            }
            let undocumented = apiRoutes.subtracting(documented)
            #expect(undocumented.isEmpty, "registered but missing from openapi.json: \(undocumented.sorted())")
            let unregistered = documented.subtracting(registered)
            #expect(unregistered.isEmpty, "in openapi.json but not registered: \(unregistered.sorted())")
        }
    }

    @Test("every documented operation is served: none gets the router's 'no route' 404, none a 5xx")
    func documentedOperationsAreServed() async throws {
        try await withPatron { patron in
            let operations = OpenAPIDocument.operations(try OpenAPIDocument.committed()).sorted()
            #expect(!operations.isEmpty)
            for operation in operations {
                let parts = operation.split(separator: " ", maxSplits: 1).map { String($0) }
                try #require(parts.count == 2)
                let method = try #require(HTTPRequest.Method(parts[0]))
                let uri = Self.concrete(parts[1])
                var headers = HTTPFields()
                headers[.authorization] = "Bearer \(patron.storeA.secretKey)"
                var body: [UInt8]? = nil
                if method == .post || method == .put || method == .patch {
                    headers[.contentType] = "application/json"
                    body = Array("{}".utf8)
                }
                let response = try await patron.send(method, uri, headers: headers, body: body)
                #expect(!response.isRouterNotFound, "\(operation) is not routed: \(response.bodyText)")
                #expect(response.status.code < 500, "\(operation) as \(uri): \(response.status) \(response.bodyText)")
            }
        }
    }
}
