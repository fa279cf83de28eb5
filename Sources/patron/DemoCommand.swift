import ArgumentParser
import Foundation
import PatronCore
import PatronEngine
import PatronHTTP
import PatronStore

struct DemoCommand: AsyncParsableCommand {
    /// Saved segments the demo store starts with, so segment membership and its events have content.
    static let demoEmail = "owner@demo-shop.example"
    static let demoPassword = "patron-demo"

    static let demoSegments = [
        ("Slipping regulars", #"rfm.segment in ["At Risk", "Can't Lose Them"] and orders.count >= 2"#),
        ("Browsed, did not buy", #"did "Product Viewed" in last 30d and not did "Order Completed" in last 30d"#),
        ("High value", "predicted_clv > 200"),
    ]

    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Start Patron on SQLite with a realistic demo store loaded.")

    @Option(help: "Port to listen on (default: $PATRON_PORT or 8080).") var port: Int?
    @Option(help: "SQLite file for the demo (recreated on every run).") var database = "patron-demo.sqlite"
    @Option(help: "Seed of the demo data generator.") var seed: UInt64 = 42
    @Option(help: "Number of demo customers.") var customers = 3_000
    @Flag(help: "Load the data and exit without serving.") var loadOnly = false

    @OptionGroup var deliveryOptions: DeliveryOptions

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
        let (credentials, counts, analytics, buyer) = try await options.withDatabase { database in
            let credentials = try await StoreRepository.create(name: "Demo Home & Gift Shop", in: database)
            let counts = try await DemoLoader.load(data, store: credentials.id, ingestor: Ingestor(database: database))
            try await database.write(store: credentials.id) { sql in
                let segments = SegmentRepository(sql: sql, storeID: credentials.id)
                let now = Timestamp.milliseconds(Date())
                for (name, rule) in Self.demoSegments {
                    _ = try await segments.create(name: name, description: nil, rule: rule, now: now)
                }
            }
            var sender = SenderSettings.Changes()
            sender.fromEmail = "hello@demo-shop.example"
            sender.fromName = "Demo Home & Gift Shop"
            sender.branding = ["color": "#1f6f5c", "url": "https://demo-shop.example"]
            try await StoreRepository.updateSender(sender, store: credentials.id, in: database)
            let flows = FlowDirectory(database: database, templateNames: [])
            for flow in ["order-thank-you", "shipping-updates", "welcome-series"] {
                try await flows.setEnabled(true, flow: flow, store: credentials.id)
            }
            let analytics = try await AnalyticsRefresher(database: database).refresh(store: credentials.id, reason: "demo")
            let passwordHash = try await PasswordHashing.hash(Self.demoPassword)
            _ = try await database.write(store: credentials.id) {
                try await DashboardUserRepository(sql: $0).create(
                    store: credentials.id, email: Self.demoEmail, role: .owner, passwordHash: passwordHash,
                    now: Timestamp.milliseconds(Date()))
            }
            // The examples show a customer who has bought, so their predictions are not empty, and who accepts
            // marketing email, so the thank-you preview shows its recommendations.
            let buyer = try await database.read { sql in
                let source = AnalyticsSource(sql: sql, storeID: credentials.id)
                let buyers = try await source.metrics(after: 0).map(\.customerId)
                let subscribed = Set(
                    try await source.latestConsents().filter { $0.channel == "email" && $0.subscribed }.map(\.customerId))
                return buyers.first { subscribed.contains($0) } ?? buyers.first
            }
            return (credentials, counts, analytics, buyer ?? 1)
        }
        let loaded = Date()
        let url = "http://127.0.0.1:\(port)"
        let generation = String(format: "%.1f", generated.timeIntervalSince(started))
        let storage = String(format: "%.1f", loaded.timeIntervalSince(generated))
        let banner = """
            Patron demo store loaded: \(counts.customers) customers, \(counts.products) products, \(counts.orders) orders,
            \(counts.shipments) shipments, \(counts.events) events (generated in \(generation) s, stored and analysed in
            \(storage) s, database \(database)); \(analytics.segments.count) segments computed

            Dashboard: \(url)/app   sign in as \(Self.demoEmail), password \(Self.demoPassword)

            Store \(credentials.id) "\(credentials.name)"
              secret key:     \(credentials.secretKey)
              write key:      \(credentials.writeKey)
              webhook secret: \(credentials.webhookSecret)

            Try it:
              curl -H 'Authorization: Bearer \(credentials.secretKey)' '\(url)/api/v1/customers?limit=3'
              curl -H 'Authorization: Bearer \(credentials.secretKey)' '\(url)/api/v1/customers/\(buyer)'
              curl -H 'Authorization: Bearer \(credentials.secretKey)' '\(url)/api/v1/analytics/kpis'
              curl -H 'Authorization: Bearer \(credentials.secretKey)' '\(url)/api/v1/analytics/rfm'
              curl -H 'Authorization: Bearer \(credentials.secretKey)' '\(url)/api/v1/customers/\(buyer)/predictions'
              curl -H 'Authorization: Bearer \(credentials.secretKey)' -H 'Content-Type: application/json' \\
                -d '{"rule":"rfm.segment == \\"At Risk\\" and orders.count >= 2"}' \\
                '\(url)/api/v1/segments/preview'
              curl -u '\(credentials.writeKey):' -H 'Content-Type: application/json' \\
                -d '{"userId":"cus_0001","event":"Product Viewed","properties":{"product_id":"prod_001"}}' \(url)/v1/track
              curl -H 'Authorization: Bearer \(credentials.secretKey)' '\(url)/api/v1/recommendations/customers/\(buyer)?limit=4'
              curl -H 'Authorization: Bearer \(credentials.writeKey)' '\(url)/api/v1/recommendations/products/prod_001?kind=together&limit=4'
              curl -H 'Authorization: Bearer \(credentials.secretKey)' '\(url)/api/v1/flows'
              curl -H 'Authorization: Bearer \(credentials.secretKey)' '\(url)/api/v1/flows/order-thank-you/preview?customer=\(buyer)' \\
                | python3 -c 'import json,sys; print(json.load(sys.stdin)["text"])'
              API reference: \(url)/api/v1/openapi.json   health: \(url)/healthz   metrics: \(url)/metrics

            Flows order-thank-you, shipping-updates and welcome-series are on for new orders (the loaded history
            triggers nothing). Emails go out once a relay is set: PATRON_SMTP_URL=smtp://host:port patron demo

            """
        FileHandle.standardOutput.write(Data(banner.utf8))
        guard !loadOnly else { return }
        // Written unbuffered so the banner shows even when stdout is a pipe and the server runs for hours.
        FileHandle.standardOutput.write(Data("\nServing on \(url) (Ctrl-C to stop)\n".utf8))
        try await Server.run(
            PatronConfiguration(
                host: "127.0.0.1", port: port, databaseLocation: database, smtpRelay: try deliveryOptions.relay(),
                publicURL: try deliveryOptions.publicBaseURL(), textProvider: try deliveryOptions.textProvider()))
    }
}
