import ArgumentParser
import Foundation
import PatronCore
import PatronStore

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks that anyone can run.",
        subcommands: [IngestBench.self, AnalyticsBench.self, JobsBench.self, DeliveryBench.self, RecommendationsBench.self])
}

/// Starts `patron serve` as a separate process on a fresh store and measures ingestion through HTTP:
/// batch throughput, then single-event latency at a steady request rate (open loop, so a slow
/// response delays the measurement of the requests queued behind it, as real traffic would).
struct IngestBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ingest", abstract: "Measure event ingestion over HTTP.")

    @Option(help: "SQLite file or postgres:// URL (default: a new temporary SQLite file).") var database: String?
    @Option(help: "Port for the server under test.") var port = 18_181
    @Option(help: "Batches of 1,000 events to send.") var batches = 100
    @Option(help: "Concurrent connections sending batches.") var batchConnections = 2
    @Option(help: "Single-event requests per second.") var rate = 500
    @Option(help: "Seconds of single-event load.") var seconds = 20
    @Option(help: "Concurrent connections for single events.") var connections = 16

    func run() async throws {
        let location = database ?? NSTemporaryDirectory() + "patron-bench-\(UUID().uuidString).sqlite"
        let options = try DatabaseOptions.parse(["--database", location])
        let credentials = try await options.withDatabase { try await StoreRepository.create(name: "bench", in: $0) }
        let server = try startServer(location: location)
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        try waitForReady()
        let runId = UUID().uuidString.prefix(8)
        let auth = [("Authorization", "Bearer \(credentials.secretKey)"), ("Content-Type", "application/json")]
        let batch = try measureBatches(auth: auth, runId: String(runId))
        let latency = try measureSingles(auth: auth, runId: String(runId))
        let engine = location.hasPrefix("postgres") ? "postgresql" : "sqlite"
        let result: JSONValue = [
            "engine": .string(engine), "batchEventsPerSecond": .int(Int64(batch.rate)), "batchEvents": .int(Int64(batch.events)),
            "batchErrors": .int(Int64(batch.errors)), "singleRequestsPerSecond": .int(Int64(rate)),
            "singleRequests": .int(Int64(latency.count)), "singleErrors": .int(Int64(latency.errors)),
            "p50Milliseconds": .double(latency.p50), "p99Milliseconds": .double(latency.p99),
            "maxMilliseconds": .double(latency.max),
        ]
        print(
            """
            engine \(engine): batch ingestion \(Int(batch.rate)) events/s (\(batch.events) events, \(batch.errors) errors)
            single events at \(rate)/s for \(seconds) s: p50 \(String(format: "%.2f", latency.p50)) ms, \
            p99 \(String(format: "%.2f", latency.p99)) ms, max \(String(format: "%.2f", latency.max)) ms (\(latency.errors) errors)
            """)
        print(result.serialized())
    }

    func startServer(location: String) throws -> Process {
        try startPatronProcess(
            ["serve", "--port", String(port), "--database", location], environment: ["PATRON_LOG_LEVEL": "warning"])
    }

    func waitForReady() throws { try waitForServer(port: port) }

    func eventBody(_ id: String, customer: Int) -> String {
        """
        {"type":"Product Viewed","customerExternalId":"bench-\(customer)","messageId":"\(id)",\
        "properties":{"product_id":"sku-\(customer % 97)","price":19.99}}
        """
    }

    func measureBatches(auth: [(String, String)], runId: String) throws -> (rate: Double, events: Int, errors: Int) {
        let bodies = (0..<batches).map { batchIndex -> [UInt8] in
            let items = (0..<1000).map { eventBody("\(runId)-b\(batchIndex)-\($0)", customer: (batchIndex * 1000 + $0) % 5000) }
            return Array("{\"items\":[\(items.joined(separator: ","))]}".utf8)
        }
        let counter = LockedCounter()
        let errors = LockedCounter()
        let started = Date()
        runOnThreads(batchConnections) {
            guard let connection = try? BlockingHTTPConnection(host: "127.0.0.1", port: port) else {
                errors.add(1)
                return
            }
            while let index = counter.next(below: bodies.count) {
                let response = try? connection.send(
                    method: "POST", path: "/api/v1/events/batch", headers: auth, body: bodies[index])
                if response?.0 != 200 { errors.add(1) }
            }
        }
        let elapsed = Date().timeIntervalSince(started)
        return (Double(batches * 1000) / elapsed, batches * 1000, errors.value)
    }

    func measureSingles(auth: [(String, String)], runId: String) throws -> (
        count: Int, errors: Int, p50: Double, p99: Double, max: Double
    ) {
        let total = rate * seconds
        let interval = 1.0 / Double(rate)
        let counter = LockedCounter()
        let errors = LockedCounter()
        let latencies = LockedSamples()
        let start = DispatchTime.now().uptimeNanoseconds + 200_000_000
        runOnThreads(connections) {
            guard let connection = try? BlockingHTTPConnection(host: "127.0.0.1", port: port) else { return }
            while let index = counter.next(below: total) {
                let scheduled = start + UInt64(Double(index) * interval * 1e9)
                let now = DispatchTime.now().uptimeNanoseconds
                if scheduled > now { usleep(UInt32((scheduled - now) / 1000)) }
                let body = Array(eventBody("\(runId)-s\(index)", customer: index % 5000).utf8)
                let response = try? connection.send(method: "POST", path: "/api/v1/events", headers: auth, body: body)
                let finished = DispatchTime.now().uptimeNanoseconds
                if response?.0 != 201 { errors.add(1) }
                latencies.add(Double(finished - scheduled) / 1e6)
            }
        }
        let sorted = latencies.values.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
        return (sorted.count, errors.value, percentile(0.5), percentile(0.99), sorted.last ?? 0)
    }
}

/// Runs `body` on `count` dedicated threads (one blocking connection each) and waits for all of them.
/// Dispatch's concurrentPerform would cap the width at the core count, serialising the connections.
/// Starts this same `patron` binary with `arguments`, adding `environment` to the current one.
func startPatronProcess(_ arguments: [String], environment extra: [String: String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path) {
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    }
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
    try process.run()
    return process
}

/// Waits up to 30 s for `/readyz` on `port` to answer 200.
func waitForServer(port: Int) throws {
    for _ in 0..<300 {
        if let connection = try? BlockingHTTPConnection(host: "127.0.0.1", port: port),
            let (status, _) = try? connection.send(method: "GET", path: "/readyz", headers: [], body: []), status == 200
        {
            return
        }
        Thread.sleep(forTimeInterval: 0.1)
    }
    throw UserError("the server did not become ready on port \(port)")
}

func runOnThreads(_ count: Int, _ body: @escaping @Sendable () -> Void) {
    let group = DispatchGroup()
    for _ in 0..<count {
        group.enter()
        let thread = Thread {
            body()
            group.leave()
        }
        thread.start()
    }
    group.wait()
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func next(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard count < limit else { return nil }
        count += 1
        return count - 1
    }

    func add(_ amount: Int) {
        lock.lock()
        count += amount
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}

final class LockedSamples: @unchecked Sendable {
    private let lock = NSLock()
    private var samples: [Double] = []

    func add(_ sample: Double) {
        lock.lock()
        samples.append(sample)
        lock.unlock()
    }

    var values: [Double] {
        lock.lock()
        defer { lock.unlock() }
        return samples
    }
}
