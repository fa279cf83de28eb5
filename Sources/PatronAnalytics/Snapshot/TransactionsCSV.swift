import PatronCore

/// A problem in a transactions file, with the 1-based line and the column it concerns.
public struct TransactionsFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let message: String

    public var description: String { line > 0 ? "line \(line): \(message)" : message }
}

/// Reads transaction files into an ``OrderSnapshot``: the plain `customer_id,date,amount` format
/// (columns in any order, extra columns ignored, one row per order) used by `patron analyze`.
public enum TransactionsCSV {
    public static let requiredColumns = ["customer_id", "date", "amount"]
    /// 1900-01-01 to 2199-12-31: anything outside is a typo, and would make calendar tables huge.
    static let supportedTimes: ClosedRange<Int64> = -2_208_988_800...7_258_118_399

    public static func read(_ bytes: [UInt8]) throws(TransactionsFileError) -> OrderSnapshot {
        var positions: [Int] = []
        var columnCount = 0
        var builder = OrderSnapshotBuilder(expectedOrders: bytes.count / 32)
        try forEachRecord(bytes) { fields, line throws(TransactionsFileError) in
            guard !positions.isEmpty else {
                positions = try headerPositions(fields, required: requiredColumns, line: line)
                columnCount = fields.count
                return
            }
            guard fields.count > positions.max() ?? 0 else {
                throw TransactionsFileError(line: line, message: "expected \(columnCount) columns, found \(fields.count)")
            }
            let customer = fields[positions[0]].trimmingSpaces()
            guard !customer.isEmpty else {
                throw TransactionsFileError(line: line, message: "customer_id is empty")
            }
            let dateText = fields[positions[1]].trimmingSpaces()
            guard let time = ISODateParser.epochSeconds(Array(dateText.utf8)[...]) else {
                throw TransactionsFileError(
                    line: line,
                    message:
                        "date \"\(dateText)\" is not an ISO-8601 date: expected yyyy-MM-dd or yyyy-MM-ddTHH:mm:ss with an optional Z or ±hh:mm"
                )
            }
            guard Self.supportedTimes.contains(time) else {
                throw TransactionsFileError(
                    line: line, message: "date \"\(dateText)\" is outside 1900-2199: expected a real order date")
            }
            let amountText = fields[positions[2]].trimmingSpaces()
            guard let amount = Double(amountText), amount.isFinite else {
                throw TransactionsFileError(
                    line: line, message: "amount \"\(amountText)\" is not a number: expected a decimal such as 12.50")
            }
            guard amount >= 0 else {
                throw TransactionsFileError(
                    line: line,
                    message:
                        "amount \(amountText) is negative: expected the order's value (net refunds into their orders or leave refund rows out)"
                )
            }
            builder.append(customer: customer, time: time, amount: amount)
        }
        guard !positions.isEmpty else {
            throw TransactionsFileError(line: 0, message: "the file is empty: expected a header customer_id,date,amount")
        }
        return builder.build()
    }

    /// Where each required column (case-insensitive) is in a header, or an error naming the first one
    /// missing, what was expected and what was found.
    static func headerPositions(
        _ fields: [String], required: [String], line: Int
    ) throws(TransactionsFileError) -> [Int] {
        let names = fields.map { $0.trimmingSpaces().lowercased() }
        var positions: [Int] = []
        for column in required {
            guard let position = names.firstIndex(of: column) else {
                throw TransactionsFileError(
                    line: line,
                    message:
                        "the header has no \(column) column: expected \(required.joined(separator: ",")), found \(names.joined(separator: ","))"
                )
            }
            positions.append(position)
        }
        return positions
    }

    /// Hands every record of `bytes` (header included) to `body` with its line, streaming through the
    /// shared RFC 4180 ``CSVReader``. A quoted field left open at the end is reported rather than read.
    static func forEachRecord(
        _ bytes: [UInt8], _ body: ([String], Int) throws(TransactionsFileError) -> Void
    ) throws(TransactionsFileError) {
        var reader = CSVReader()
        var last: CSVRecord?
        do {
            try reader.feed(bytes) { fields, line in try body(fields, line) }
            reader.finish { last = CSVRecord(fields: $0, line: $1) }
            if let problem = reader.problems.first { throw TransactionsFileError(line: problem.line, message: problem.reason) }
            if let last { try body(last.fields, last.line) }
        } catch let error as TransactionsFileError {
            throw error
        } catch {
            throw TransactionsFileError(line: 0, message: "\(error)")
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
