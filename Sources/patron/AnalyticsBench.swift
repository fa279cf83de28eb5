import ArgumentParser
import Foundation
import PatronAnalytics
import PatronCore
import PatronEngine

/// `patron bench analytics`: the whole analytics refresh on a synthetic store of a million customers,
/// and (with `--peer`) the Python `lifetimes` package on the same orders, in the same run.
struct AnalyticsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics",
        abstract: "Time the analytics refresh (snapshot, RFM, both fits, predictions, segments) on a synthetic store.")

    @Option(help: "Customers in the synthetic store.") var customers = 1_000_000
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Prediction horizon in days.") var horizon = 365
    @Flag(help: "Also export the orders as CSV and time benchmarks/lifetimes_peer.py on them.") var peer = false
    @Option(help: "Python with lifetimes installed (see benchmarks/README.md).") var python = "python3"
    @Option(help: "The peer script.") var peerScript = "benchmarks/lifetimes_peer.py"
    @Option(help: "Where to write the exported CSV (default: a temporary file, deleted afterwards).") var csv: String?

    func run() async throws {
        var parameters = SyntheticStoreParameters(customers: customers, seed: seed)
        parameters.dropoutRule = .afterRepeatPurchases
        let generated = SyntheticStoreGenerator.generate(parameters)
        let log = TransactionLog(generated)
        let until = parameters.observationEnd - 1

        var timer = StageTimer()
        var builder = OrderSnapshotBuilder(customerKeys: generated.customerKeys, expectedOrders: log.times.count)
        for row in 0..<log.times.count {
            builder.append(customerIndex: log.customers[row], time: log.times[row], amount: log.amounts[row])
        }
        let snapshot = builder.build()
        timer.lap("snapshot")
        // lifetimes discounts 1 % per 30-day month by default; the same yearly rate keeps CLV comparable.
        let options = AnalysisOptions(until: until, horizonDays: horizon, annualDiscountRate: pow(1.01, 365.0 / 30) - 1)
        let analysis = CustomerAnalysis(snapshot, options: options)
        timer.lap("analysis")
        var facts = CustomerFacts(count: snapshot.customerCount, now: until)
        MetricsColumns(analysis).fill(&facts)
        let rules = try [
            "rfm.segment in [\"At Risk\", \"Can't Lose Them\"] and orders.count >= 2 and last_order_at < now - 90d",
            "p_alive < 0.5 and predicted_clv > 50",
            "churn_risk == \"high\" or (rfm.r <= 2 and orders.total > 500)",
        ].map { try SegmentRule.parse($0) }
        var segmentTimes: [Duration] = []
        var memberCounts: [Int] = []
        for rule in rules {
            let before = ContinuousClock.now
            memberCounts.append(rule.members(facts).count)
            segmentTimes.append(ContinuousClock.now - before)
        }
        timer.lap("segments")
        let total = timer.elapsed
        let timings = analysis.timings

        var result: [String: JSONValue] = [
            "customers": .int(Int64(snapshot.customerCount)), "orders": .int(Int64(snapshot.orderCount)),
            "seed": .int(Int64(seed)), "horizon_days": .int(Int64(horizon)),
            "patron_seconds": .object(
                Dictionary(
                    uniqueKeysWithValues: (timer.stages + timings + [("total", total)]).map { ($0.0, .double($0.1.seconds)) })),
            "segment_rule_seconds": .array(segmentTimes.map { .double($0.seconds) }),
            "segment_members": .array(memberCounts.map { .int(Int64($0)) }),
            "models": AnalysisJSON.models(analysis),
            "aggregates": [
                "mean_p_alive": .double(Self.mean(analysis.probabilityAlive)),
                "sum_expected_purchases": .double(analysis.expectedPurchases.reduce(0) { $0 + ($1.isFinite ? $1 : 0) }),
                "sum_clv": .double(analysis.predictedValue.reduce(0) { $0 + ($1.isFinite ? $1 : 0) }),
            ],
            "peak_rss_mib": .double(Self.peakResidentMiB()),
            "generating_parameters": [
                "r": .double(parameters.r), "alpha": .double(parameters.alpha), "a": .double(parameters.a),
                "b": .double(parameters.b), "p": .double(parameters.p), "q": .double(parameters.q),
                "gamma": .double(parameters.gamma),
            ],
        ]
        if peer {
            let peerResult = try runPeer(generated, until: until)
            result["lifetimes"] = peerResult
            if let peerTimings = peerResult["timings_s"] {
                let peerWork = ["summary", "bgnbd_fit", "gamma_gamma_fit", "predictions"].reduce(0.0) {
                    $0 + (peerTimings[$1]?.doubleValue ?? .nan)
                }
                result["lifetimes_seconds_without_csv_load"] = .double(peerWork)
                result["speedup"] = .double(peerWork / total.seconds)
            }
        }
        print(JSONValue.object(result).serialized())
    }

    private func runPeer(_ snapshot: OrderSnapshot, until: Int64) throws -> JSONValue {
        let path = csv ?? NSTemporaryDirectory() + "patron-bench-analytics-\(UUID().uuidString).csv"
        try TransactionsCSVWriter.write(snapshot, to: URL(fileURLWithPath: path), dateStyle: .spaceSeparated)
        defer { if csv == nil { try? FileManager.default.removeItem(atPath: path) } }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            python, peerScript, path, "--until", CivilCalendar.dayLabel(PurchaseSummary.day(until)), "--horizon",
            String(horizon),
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw UserError(
                "the peer exited with status \(process.terminationStatus); see benchmarks/README.md to set up lifetimes")
        }
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
        guard let last = lines.last, let json = try? JSONParser.parse(String(last)) else {
            throw UserError("the peer printed no JSON result")
        }
        return json
    }

    static func mean(_ values: [Double]) -> Double {
        let finite = values.filter(\.isFinite)
        return finite.isEmpty ? .nan : finite.reduce(0, +) / Double(finite.count)
    }

    /// The process's peak resident set (VmHWM), in MiB.
    static func peakResidentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return .nan }
        let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? .nan
        return kilobytes / 1024
    }
}

/// The generated orders re-ordered by time across customers, as rows come out of an orders table, so
/// the benchmark's snapshot step does the same grouping work as a refresh reading the database.
private struct TransactionLog {
    var customers: [Int32]
    var times: [Int64]
    var amounts: [Double]

    init(_ snapshot: OrderSnapshot) {
        let firstDay = snapshot.orderTimes.min().map(PurchaseSummary.day) ?? 0
        let lastDay = snapshot.orderTimes.max().map(PurchaseSummary.day) ?? 0
        var start = [Int](repeating: 0, count: Int(lastDay - firstDay) + 2)
        for time in snapshot.orderTimes { start[Int(PurchaseSummary.day(time) - firstDay) + 1] += 1 }
        for index in 1..<start.count { start[index] += start[index - 1] }
        customers = [Int32](repeating: 0, count: snapshot.orderCount)
        times = [Int64](repeating: 0, count: snapshot.orderCount)
        amounts = [Double](repeating: 0, count: snapshot.orderCount)
        for customer in 0..<snapshot.customerCount {
            for order in snapshot.orders(of: customer) {
                let bucket = Int(PurchaseSummary.day(snapshot.orderTimes[order]) - firstDay)
                let slot = start[bucket]
                start[bucket] += 1
                customers[slot] = Int32(customer)
                times[slot] = snapshot.orderTimes[order]
                amounts[slot] = snapshot.orderAmounts[order]
            }
        }
    }
}
