import ArgumentParser
import Crypto
import Foundation
import PatronCore
import PatronEngine
import PatronMessaging
import PatronStore
import SQLKit

/// `patron bench delivery`: thank-you emails through a real SMTP server. First throughput: orders are
/// queued with no worker running, then one `patron worker` process renders and hands them to the
/// relay as fast as it can. Then latency: `patron serve` with its defaults (one worker, 250 ms
/// polling) receives Shopify `orders/create` webhooks at a steady rate, and each email's latency runs
/// from the moment its webhook was sent to the moment Patron recorded the relay's acceptance.
struct DeliveryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delivery", abstract: "Measure email rendering and delivery to an SMTP server, and webhook-to-inbox latency."
    )

    @Option(help: "SMTP relay to deliver to (default: $PATRON_SMTP_URL), e.g. smtp://127.0.0.1:2525?starttls=off.")
    var smtp: String?
    @Option(help: "SQLite file or postgres:// URL (default: a new temporary SQLite file).") var database: String?
    @Option(help: "Port for the server under test.") var port = 18_282
    @Option(help: "Messages for the throughput run.") var messages = 5_000
    @Option(help: "Delivery workers in the throughput run's worker process.") var workers = 2
    @Option(help: "Order webhooks per second in the latency run.") var rate = 20
    @Option(help: "Seconds of webhooks in the latency run.") var seconds = 15

    func run() async throws {
        guard let smtp = smtp ?? ProcessInfo.processInfo.environment["PATRON_SMTP_URL"] else {
            throw UserError(
                "--smtp is required: start a local server, e.g. `python3 -m aiosmtpd -n -l 127.0.0.1:2525 -c aiosmtpd.handlers.Sink`"
            )
        }
        do { _ = try SMTPRelay(url: smtp) } catch { throw UserError("--smtp: \(error)") }
        let location = database ?? NSTemporaryDirectory() + "patron-bench-\(UUID().uuidString).sqlite"
        let options = try DatabaseOptions.parse(["--database", location])
        let credentials = try await options.withDatabase { database in
            let credentials = try await StoreRepository.create(name: "Bench Coffee", in: database)
            var sender = SenderSettings.Changes()
            sender.fromEmail = "orders@bench.example"
            try await StoreRepository.updateSender(sender, store: credentials.id, in: database)
            try await FlowDirectory(database: database, templateNames: []).setEnabled(
                true, flow: "order-thank-you", store: credentials.id)
            return credentials
        }
        let environment = ["PATRON_SMTP_URL": smtp, "PATRON_ANALYTICS_INTERVAL": "0", "PATRON_LOG_LEVEL": "warning"]
        let auth = [("Authorization", "Bearer \(credentials.secretKey)"), ("Content-Type", "application/json")]

        // Throughput: queue everything first, then time one worker process draining it.
        let queueing = try startPatron(["serve", "--port", String(port), "--workers", "0"], location, environment)
        try waitForReady()
        try queueOrders(auth: auth)
        queueing.terminate()
        queueing.waitUntilExit()
        let started = Date()
        let worker = try startPatron(["worker", "--workers", String(workers)], location, environment)
        let drained = try await waitUntilSent(messages, location: location, store: credentials.id, timeout: 600)
        let throughputSeconds = Date().timeIntervalSince(started)
        worker.terminate()
        worker.waitUntilExit()
        guard drained else { throw UserError("the worker did not deliver \(messages) messages within 600 s") }

        // Latency: the server with default settings, webhooks at a steady rate.
        let server = try startPatron(["serve", "--port", String(port)], location, environment)
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        try waitForReady()
        let (sentAt, failures) = try sendWebhooks(storeId: credentials.id, secret: credentials.webhookSecret)
        guard !sentAt.isEmpty else {
            throw UserError("no order webhook was accepted in the latency run: \(failures.first ?? "no answer")")
        }
        guard try await waitUntilSent(messages + sentAt.count, location: location, store: credentials.id, timeout: 120) else {
            throw UserError("the latency run's emails were not all delivered within 120 s")
        }
        let accepted = try await acceptanceTimes(location: location, store: credentials.id)
        if !failures.isEmpty { print("\(failures.count) distinct webhook failures, e.g. \(failures[0])") }
        var latencies: [Double] = []
        for (externalId, sent) in sentAt {
            if let done = accepted["order:\(externalId)"] { latencies.append((done - sent) * 1_000) }
        }
        latencies.sort()
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }
        let rateResult = Double(messages) / throughputSeconds
        let engine = location.hasPrefix("postgres") ? "postgresql" : "sqlite"
        print(
            """
            engine \(engine), relay \((try? SMTPRelay(url: smtp))?.description ?? smtp)
            throughput: \(messages) thank-you emails rendered and accepted in \(String(format: "%.1f", throughputSeconds)) s \
            = \(Int(rateResult)) messages/s (\(workers) workers in one process)
            webhook to accepted email at \(rate)/s for \(seconds) s (\(latencies.count) emails, default 250 ms polling): \
            p50 \(Int(percentile(0.5))) ms, p99 \(Int(percentile(0.99))) ms, max \(Int(latencies.last ?? 0)) ms
            """)
        let result: JSONValue = [
            "engine": .string(engine), "messages": .int(Int64(messages)), "workers": .int(Int64(workers)),
            "messagesPerSecond": .double(rateResult.rounded()), "latencyEmails": .int(Int64(latencies.count)),
            "latencyP50Milliseconds": .double(percentile(0.5).rounded()),
            "latencyP99Milliseconds": .double(percentile(0.99).rounded()),
            "latencyMaxMilliseconds": .double((latencies.last ?? 0).rounded()),
        ]
        print(result.serialized())
    }

    func startPatron(_ arguments: [String], _ location: String, _ extra: [String: String]) throws -> Process {
        try startPatronProcess(arguments + ["--database", location], environment: extra)
    }

    func waitForReady() throws { try waitForServer(port: port) }

    func queueOrders(auth: [(String, String)]) throws {
        let connection = try BlockingHTTPConnection(host: "127.0.0.1", port: port)
        let now = Timestamp.format(Date())
        for start in stride(from: 0, to: messages, by: 500) {
            let items = (start..<min(messages, start + 500)).map { index in
                """
                {"externalId":"T-\(index)","number":"#\(10_000 + index)","customer":{"externalId":"bench-\(index % 2_000)",\
                "email":"shopper\(index % 2_000)@example.com","firstName":"Shopper"},"currency":"USD","placedAt":"\(now)",\
                "lineItems":[{"title":"Ethiopia Yirgacheffe 250g","quantity":2,"unitPrice":1450},\
                {"title":"Pour-over kettle","quantity":1,"unitPrice":4900}],"shippingTotal":495,"taxTotal":300,\
                "shippingAddress":{"name":"Sam Shopper","address1":"1 Main St","city":"Springfield","country":"US"}}
                """
            }
            let (status, body) = try connection.send(
                method: "POST", path: "/api/v1/orders/batch", headers: auth,
                body: Array("{\"items\":[\(items.joined(separator: ","))]}".utf8))
            guard status == 200 else {
                throw UserError("queueing orders failed: HTTP \(status) \(String(decoding: body, as: UTF8.self))")
            }
        }
    }

    /// Sends `orders/create` webhooks on a fixed schedule; returns when each was sent, by order id.
    func sendWebhooks(storeId: Int64, secret: String) throws -> (sentAt: [String: Double], failures: [String]) {
        let total = rate * seconds
        let interval = 1.0 / Double(rate)
        let sentAt = LockedTimes()
        let failures = LockedTimes()
        let counter = LockedCounter()
        let key = SymmetricKey(data: Data(secret.utf8))
        let begin = Date().timeIntervalSince1970 + 0.2
        runOnThreads(4) {
            guard let connection = try? BlockingHTTPConnection(host: "127.0.0.1", port: port) else { return }
            while let index = counter.next(below: total) {
                let scheduled = begin + Double(index) * interval
                let wait = scheduled - Date().timeIntervalSince1970
                if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
                let id = 900_000_000 + index
                let now = Timestamp.format(Date())
                let body = Array(
                    """
                    {"id":\(id),"name":"#L\(index)","email":"latency\(index)@example.com","created_at":"\(now)",\
                    "currency":"USD","total_price":"33.95","subtotal_price":"29.00","total_tax":"0.00",\
                    "customer":{"id":\(800_000_000 + index),"email":"latency\(index)@example.com","first_name":"Lee"},\
                    "line_items":[{"id":\(id * 10),"title":"Cold brew filter","quantity":2,"price":"14.50"}]}
                    """.utf8)
                let signature = Data(HMAC<SHA256>.authenticationCode(for: body, using: key)).base64EncodedString()
                let headers = [
                    ("Content-Type", "application/json"), ("X-Shopify-Topic", "orders/create"),
                    ("X-Shopify-Hmac-Sha256", signature), ("X-Shopify-Webhook-Id", UUID().uuidString),
                    ("X-Shopify-Shop-Domain", "bench.myshopify.com"),
                ]
                let sent = Date().timeIntervalSince1970
                do {
                    let (status, answer) = try connection.send(
                        method: "POST", path: "/webhooks/shopify/\(storeId)", headers: headers, body: body)
                    if status == 200 {
                        sentAt.set(String(id), sent)
                    } else {
                        failures.set("HTTP \(status): \(String(decoding: answer.prefix(300), as: UTF8.self))", sent)
                    }
                } catch {
                    failures.set("\(error)", sent)
                }
            }
        }
        return (sentAt.values, Array(failures.values.keys))
    }

    func waitUntilSent(_ count: Int, location: String, store: Int64, timeout: Double) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        let database = try await Database.open(location)
        defer { Task { await database.engine.close() } }
        return try await database.withRunning { database in
            while Date() < deadline {
                let summary = try await MessageLog(database: database).summary(store: store)
                let sent: Int64 = if case .int(let n) = summary["byStatus"]?["sent"] ?? .null { n } else { 0 }
                if sent >= count { return true }
                try await Task.sleep(for: .milliseconds(200))
            }
            return false
        }
    }

    /// When the relay's acceptance was recorded, in seconds, by the flow run's trigger key (`order:ID`).
    func acceptanceTimes(location: String, store: Int64) async throws -> [String: Double] {
        let database = try await Database.open(location)
        defer { Task { await database.engine.close() } }
        return try await database.withRunning { database in
            try await database.read { sql in
                var times: [String: Double] = [:]
                for row in try await sql.raw(
                    """
                    SELECT r.trigger_key, m.sent_at FROM messages m JOIN flow_runs r ON r.id = m.flow_run_id
                    WHERE m.store_id = \(bind: store) AND m.status = 'sent'
                    """
                ).all() {
                    times[try row.requiredText("trigger_key")] = Double(try row.int("sent_at")) / 1_000
                }
                return times
            }
        }
    }
}

final class LockedTimes: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String: Double] = [:]

    func set(_ key: String, _ value: Double) { lock.withLock { storage[key] = value } }
    var values: [String: Double] { lock.withLock { storage } }
}
