import Foundation
import PatronCore
import Testing

@testable import PatronAnalytics

/// The CDNOW fixtures committed beside the tests (see Fixtures/README or benchmarks/README.md).
enum CDNOWFixtures {
    static func url(_ name: String) -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            fatalError("missing fixture \(name)")
        }
        return url
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: url(name), encoding: .utf8)
    }

    /// The 2,357-customer calibration summary (weeks) as published with `lifetimes`.
    static func publishedSummary() throws -> PurchaseSummary {
        var frequency: [Int] = []
        var recency: [Double] = []
        var age: [Double] = []
        for line in try text("cdnow_customers_summary.csv").split(whereSeparator: \.isNewline).dropFirst() {
            let columns = line.split(separator: ",")
            frequency.append(Int(columns[1]) ?? -1)
            recency.append(Double(columns[2]) ?? .nan)
            age.append(Double(columns[3]) ?? .nan)
        }
        return PurchaseSummary(
            unit: .weeks, customer: frequency.indices.map { Int32($0) }, frequency: frequency, recency: recency, age: age,
            monetary: frequency.map { _ in 0 }, endDay: 0)
    }

    /// The raw one-in-ten sample's transactions (sample id, YYYYMMDD, cds, dollars) as an order snapshot.
    static func sampleSnapshot() throws -> OrderSnapshot {
        var builder = OrderSnapshotBuilder()
        for line in try text("CDNOW_sample.txt").split(whereSeparator: \.isNewline) {
            let columns = line.split(separator: " ")
            let date = Array(columns[2].utf8)
            func number(_ range: Range<Int>) -> Int64 { Int64(String(decoding: date[range], as: UTF8.self)) ?? 0 }
            let day = CivilCalendar.day(year: number(0..<4), month: number(4..<6), day: number(6..<8))
            builder.append(customer: String(columns[1]), time: day * 86_400, amount: Double(columns[4]) ?? .nan)
        }
        return builder.build()
    }

    static let calibrationEnd = CivilCalendar.day(year: 1997, month: 9, day: 30) * 86_400

    static func referenceValues() throws -> JSONValue {
        try JSONParser.parse(try text("reference-values.json"))
    }
}

func relativeError(_ value: Double, _ expected: Double) -> Double {
    abs(value - expected) / abs(expected)
}

/// Checks an analytic gradient against central finite differences of `objective` at `point`.
func expectGradientMatchesFiniteDifferences(
    at point: [Double], _ objective: ([Double], _ withGradient: Bool) -> (value: Double, gradient: [Double]),
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let analytic = objective(point, true)
    for axis in point.indices {
        var up = point
        var down = point
        up[axis] += 1e-5
        down[axis] -= 1e-5
        let numeric = (objective(up, false).value - objective(down, false).value) / 2e-5
        #expect(
            abs(analytic.gradient[axis] - numeric) < 1e-4 * max(1, abs(numeric)), "axis \(axis)",
            sourceLocation: sourceLocation)
    }
}
