import ArgumentParser
import Foundation
import PatronCore
import PatronEngine
import PatronHTTP
import PatronStore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Start Patron on SQLite with a realistic demo store loaded.")

    @Option(help: "Port to listen on (default: $PATRON_PORT or 8080).") var port: Int?
    @Option(help: "SQLite file for the demo (recreated on every run).") var database = "patron-demo.sqlite"
    @Option(help: "Seed of the demo data generator.") var seed: UInt64 = 42
    @Option(help: "Number of demo customers.") var customers = 3_000
    @Flag(help: "Load the data and exit without serving.") var loadOnly = false

    func run() async throws {
        guard !database.hasPrefix("postgres") else { throw UserError("the demo runs on SQLite; pass a file path to --database") }
        guard (10...200_000).contains(customers) else { throw UserError("--customers must be from 10 to 200000") }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        let port = try port ?? ProcessInfo.processInfo.environment["PATRON_PORT"].map(parsePort) ?? 8080
        let started = Date()
        let generator = DemoStoreGenerator(seed: seed, now: Date(), customerCount: customers)
        let data = generator.generate()
        let generated = Date()
        let options = try DatabaseOptions.parse(["--database", database])
        let (credentials, counts) = try await options.withDatabase { database in
            let credentials = try await StoreRepository.create(name: "Demo Home & Gift Shop", in: database)
            let counts = try await DemoLoader.load(data, store: credentials.id, ingestor: Ingestor(database: database))
            return (credentials, counts)
        }
        let loaded = Date()
        let url = "http://127.0.0.1:\(port)"
        let generation = String(format: "%.1f", generated.timeIntervalSince(started))
        let storage = String(format: "%.1f", loaded.timeIntervalSince(generated))
        let banner = """
            Patron demo store loaded: \(counts.customers) customers, \(counts.products) products, \(counts.orders) orders,
            \(counts.shipments) shipments, \(counts.events) events (generated in \(generation) s, stored in \(storage) s,
            database \(database))

            Store \(credentials.id) "\(credentials.name)"
              secret key:     \(credentials.secretKey)
              write key:      \(credentials.writeKey)
              webhook secret: \(credentials.webhookSecret)

            Try it:
              curl -H 'Authorization: Bearer \(credentials.secretKey)' '\(url)/api/v1/customers?limit=3'
              curl -H 'Authorization: Bearer \(credentials.secretKey)' '\(url)/api/v1/customers/1'
              curl -u '\(credentials.writeKey):' -H 'Content-Type: application/json' \\
                -d '{"userId":"cus_0001","event":"Product Viewed","properties":{"product_id":"prod_001"}}' \(url)/v1/track
              API reference: \(url)/api/v1/openapi.json   health: \(url)/healthz   metrics: \(url)/metrics

            """
        FileHandle.standardOutput.write(Data(banner.utf8))
        guard !loadOnly else { return }
        // Written unbuffered so the banner shows even when stdout is a pipe and the server runs for hours.
        FileHandle.standardOutput.write(Data("\nServing on \(url) (Ctrl-C to stop)\n".utf8))
        try await Server.run(PatronConfiguration(host: "127.0.0.1", port: port, databaseLocation: database))
    }
}
