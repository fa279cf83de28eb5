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

    static func trimmed(_ field: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = field
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return slice
    }

    public static func read(_ bytes: [UInt8]) throws(TransactionsFileError) -> OrderSnapshot {
        var lines = CSVLines(bytes)
        guard let header = lines.next() else {
            throw TransactionsFileError(line: 0, message: "the file is empty: expected a header customer_id,date,amount")
        }
        let names = header.fields.map { String(decoding: $0, as: UTF8.self).trimmingSpaces().lowercased() }
        var positions: [Int] = []
        for column in requiredColumns {
            guard let position = names.firstIndex(of: column) else {
                throw TransactionsFileError(
                    line: 1,
                    message:
                        "the header has no \(column) column: expected customer_id,date,amount, found \(names.joined(separator: ","))"
                )
            }
            positions.append(position)
        }
        var builder = OrderSnapshotBuilder(expectedOrders: bytes.count / 32)
        while let line = lines.next() {
            if line.fields.count == 1 && line.fields[0].isEmpty { continue }
            guard line.fields.count > positions.max() ?? 0 else {
                throw TransactionsFileError(
                    line: line.number, message: "expected \(names.count) columns, found \(line.fields.count)")
            }
            let customer = String(decoding: line.fields[positions[0]], as: UTF8.self).trimmingSpaces()
            guard !customer.isEmpty else {
                throw TransactionsFileError(line: line.number, message: "customer_id is empty")
            }
            let dateField = Self.trimmed(line.fields[positions[1]])
            guard let time = ISODateParser.epochSeconds(dateField) else {
                throw TransactionsFileError(
                    line: line.number,
                    message:
                        "date \"\(String(decoding: dateField, as: UTF8.self))\" is not an ISO-8601 date: expected yyyy-MM-dd or yyyy-MM-ddTHH:mm:ss with an optional Z or ±hh:mm"
                )
            }
            guard Self.supportedTimes.contains(time) else {
                throw TransactionsFileError(
                    line: line.number,
                    message:
                        "date \"\(String(decoding: dateField, as: UTF8.self))\" is outside 1900-2199: expected a real order date")
            }
            let amountText = String(decoding: line.fields[positions[2]], as: UTF8.self).trimmingSpaces()
            guard let amount = Double(amountText), amount.isFinite else {
                throw TransactionsFileError(
                    line: line.number, message: "amount \"\(amountText)\" is not a number: expected a decimal such as 12.50")
            }
            guard amount >= 0 else {
                throw TransactionsFileError(
                    line: line.number,
                    message:
                        "amount \(amountText) is negative: expected the order's value (net refunds into their orders or leave refund rows out)"
                )
            }
            builder.append(customer: customer, time: time, amount: amount)
        }
        return builder.build()
    }
}

/// Splits CSV bytes into records of fields (RFC 4180 quoting, CRLF or LF), tracking line numbers.
struct CSVLines {
    struct Line {
        var number: Int
        var fields: [ArraySlice<UInt8>]
    }

    private let bytes: [UInt8]
    private var cursor = 0
    private var lineNumber = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
    }

    mutating func next() -> Line? {
        guard cursor < bytes.count else { return nil }
        lineNumber += 1
        let number = lineNumber
        var fields: [ArraySlice<UInt8>] = []
        var fieldStart = cursor
        var unquoted: [UInt8]?
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == 0x22 && cursor == fieldStart {
                var value: [UInt8] = []
                cursor += 1
                while cursor < bytes.count {
                    if bytes[cursor] == 0x22 {
                        if cursor + 1 < bytes.count && bytes[cursor + 1] == 0x22 {
                            value.append(0x22)
                            cursor += 2
                            continue
                        }
                        cursor += 1
                        break
                    }
                    if bytes[cursor] == 0x0A { lineNumber += 1 }
                    value.append(bytes[cursor])
                    cursor += 1
                }
                unquoted = value
                continue
            }
            if byte == 0x2C || byte == 0x0A || byte == 0x0D {
                fields.append(unquoted.map { $0[...] } ?? bytes[fieldStart..<cursor])
                unquoted = nil
                if byte == 0x0D && cursor + 1 < bytes.count && bytes[cursor + 1] == 0x0A { cursor += 1 }
                cursor += 1
                if byte != 0x2C { return Line(number: number, fields: fields) }
                fieldStart = cursor
                continue
            }
            cursor += 1
        }
        fields.append(unquoted.map { $0[...] } ?? bytes[fieldStart..<cursor])
        return Line(number: number, fields: fields)
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
