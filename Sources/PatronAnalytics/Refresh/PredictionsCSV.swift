/// One row per buyer, in the columns of `patron analyze --predictions`. Times are in days;
/// `expected_value` is the expected spend per future order, `predicted_clv` the discounted value over
/// the horizon.
public enum PredictionsCSV {
    public static let header =
        "customer_id,frequency,recency,T,monetary,p_alive,expected_purchases,expected_value,predicted_clv,rfm,segment"

    public static func render(_ analysis: CustomerAnalysis, keys: [String]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(analysis.summary.count * 96 + 128)
        output.append(contentsOf: header.utf8)
        output.append(0x0A)
        let summary = analysis.summary
        for buyer in 0..<summary.count {
            let customer = Int(summary.customer[buyer])
            let fields = [
                quoted(keys[customer]), String(summary.frequency[buyer]), number(summary.recency[buyer]),
                number(summary.age[buyer]), number(summary.monetary[buyer]), number(analysis.probabilityAlive[customer]),
                number(analysis.expectedPurchases[customer]), number(analysis.expectedSpend[customer]),
                number(analysis.predictedValue[customer]),
                RFMScores.code(
                    r: analysis.recencyScore[customer], f: analysis.frequencyScore[customer],
                    m: analysis.monetaryScore[customer]),
                quoted(analysis.segment[customer]?.rawValue ?? ""),
            ]
            output.append(contentsOf: fields.joined(separator: ",").utf8)
            output.append(0x0A)
        }
        return output
    }

    /// Six decimals at most, no exponent, empty when missing.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        let scaled = (value * 1_000_000).rounded()
        guard abs(scaled) < 9e15 else { return "\(value)" }
        let micro = Int64(scaled)
        let sign = micro < 0 ? "-" : ""
        let magnitude = micro.magnitude
        let whole = magnitude / 1_000_000
        var fraction = String(magnitude % 1_000_000)
        guard fraction != "0" else { return "\(sign)\(whole)" }
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(sign)\(whole).\(fraction)"
    }

    static func quoted(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        var escaped = "\""
        for character in text { escaped += character == "\"" ? "\"\"" : String(character) }
        return escaped + "\""
    }
}
