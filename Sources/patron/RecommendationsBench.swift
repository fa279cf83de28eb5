import ArgumentParser
import Foundation
import PatronCore
import PatronEngine
import PatronStore
import SQLKit

/// `patron bench recommendations`: loads the UCI Online Retail file into a fresh store, refreshes its
/// analytics (which builds the recommendation model), then times every recommendation endpoint on a
/// warm `patron serve` over one kept-open connection.
struct RecommendationsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommendations", abstract: "Time the recommendation API on a store loaded from Online Retail.")

    @Option(help: "The UCI Online Retail file.") var onlineRetail = "../shared/data/online-retail.csv.gz"
    @Option(help: "SQLite file or postgres:// URL (default: a new temporary SQLite file).") var database: String?
    @Option(help: "Port for the server under test.") var port = 18_183
    @Option(help: "Requests per endpoint.") var requests = 2_000

    func run() async throws {
        guard FileManager.default.isReadableFile(atPath: onlineRetail) else {
            throw UserError("cannot read \(onlineRetail): pass --online-retail PATH")
        }
        let location = database ?? NSTemporaryDirectory() + "patron-bench-recs-\(UUID().uuidString).sqlite"
        let options = try DatabaseOptions.parse(["--database", location])
        let file = onlineRetail
        let importStarted = ContinuousClock.now
        let (credentials, products, customers) = try await options.withDatabase { database in
            let credentials = try await StoreRepository.create(name: "bench", in: database)
            let importer = FileImporter(ingestor: Ingestor(database: database), store: credentials.id)
            _ = try await importer.run(kind: .onlineRetail, path: file) { _ in }
            return try await database.read { sql in
                let products = try await sql.raw(
                    "SELECT external_id FROM products WHERE store_id = \(bind: credentials.id) ORDER BY id"
                ).all().map { try $0.requiredText("external_id") }
                let customers = try await sql.raw(
                    """
                    SELECT DISTINCT customer_id FROM orders WHERE store_id = \(bind: credentials.id)
                        AND customer_id IS NOT NULL ORDER BY customer_id
                    """
                ).all().map { try $0.int("customer_id") }
                return (credentials, products, customers)
            }
        }
        let imported = ContinuousClock.now - importStarted
        let server = try startPatronProcess(
            ["serve", "--port", String(port), "--database", location],
            environment: ["PATRON_LOG_LEVEL": "warning", "PATRON_ANALYTICS_INTERVAL": "0"])
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        try waitForServer(port: port)
        let auth = [("Authorization", "Bearer \(credentials.secretKey)")]
        let connection = try BlockingHTTPConnection(host: "127.0.0.1", port: port)
        let refreshStarted = ContinuousClock.now
        let (status, body) = try connection.send(method: "POST", path: "/api/v1/analytics/refresh", headers: auth, body: [])
        guard status == 200 else { throw UserError("the refresh failed: \(status) \(String(decoding: body, as: UTF8.self))") }
        let refreshed = ContinuousClock.now - refreshStarted

        func path(_ kind: String, _ index: Int) -> String {
            let product =
                products[(index * 7919) % products.count].addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            return switch kind {
            case "baseline": "/api/v1/store"
            case "customer": "/api/v1/recommendations/customers/\(customers[(index * 104_729) % customers.count])?limit=10"
            case "popular": "/api/v1/recommendations/popular?limit=10"
            default: "/api/v1/recommendations/products/\(product)?kind=\(kind)&limit=10"
            }
        }
        // `baseline` is the cheapest authenticated endpoint (one query): what this machine gives any request.
        let kinds = ["baseline", "together", "related", "similar", "popular", "customer"]
        for kind in kinds {
            for index in 0..<min(200, requests) {
                _ = try connection.send(method: "GET", path: path(kind, index), headers: auth, body: [])
            }
        }
        var results: [String: JSONValue] = [:]
        var lines: [String] = []
        for kind in kinds {
            var latencies: [Double] = []
            var errors = 0
            for index in 0..<requests {
                let started = DispatchTime.now().uptimeNanoseconds
                let (status, _) = try connection.send(method: "GET", path: path(kind, index), headers: auth, body: [])
                latencies.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
                if status != 200 { errors += 1 }
            }
            latencies.sort()
            func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
            results[kind] = [
                "requests": .int(Int64(requests)), "errors": .int(Int64(errors)), "p50Milliseconds": .double(percentile(0.5)),
                "p99Milliseconds": .double(percentile(0.99)), "maxMilliseconds": .double(latencies.last ?? 0),
            ]
            lines.append(
                String(
                    format: "%-9@ p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%d requests, %d errors)", kind as NSString,
                    percentile(0.5), percentile(0.99), latencies.last ?? 0, requests, errors))
        }
        let engine = location.hasPrefix("postgres") ? "postgresql" : "sqlite"
        print(
            "engine \(engine): Online Retail imported in \(String(format: "%.1f", imported.seconds)) s "
                + "(\(products.count) products, \(customers.count) customers), analytics refresh with the model "
                + "\(String(format: "%.2f", refreshed.seconds)) s")
        for line in lines { print(line) }
        print(
            JSONValue.object(
                [
                    "engine": .string(engine), "importSeconds": .double(imported.seconds),
                    "refreshSeconds": .double(refreshed.seconds), "products": .int(Int64(products.count)),
                    "customers": .int(Int64(customers.count)),
                ].merging(results) { first, _ in first }
            ).serialized())
    }
}
