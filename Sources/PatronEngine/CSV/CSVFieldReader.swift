import Foundation
import PatronCore

/// Reads typed values out of one CSV record by column key, collecting one error per bad field
/// ("Email: expected an e-mail address ..."). Empty or missing cells read as nil. The rules follow
/// `FieldReader` (the REST API) so a CSV row and a JSON body are validated alike.
struct CSVFieldReader {
    let header: CSVHeader
    let record: [String]
    private(set) var errors: [String] = []

    init(header: CSVHeader, record: [String]) {
        self.header = header
        self.record = record
    }

    var reason: String { errors.joined(separator: "; ") }

    mutating func fail(_ key: String, _ message: String) {
        errors.append("\(header.name(key)): \(message)")
    }

    /// Rejects non-empty cells beyond the header's columns (usually a quote gone astray); short rows
    /// read as if the missing cells were empty.
    mutating func checkWidth() {
        let width = header.keys.count
        guard record.count > width, !isBlankRecord(Array(record[width...])) else { return }
        errors.append("row: expected \(width) fields as in the header, got \(record.count)")
    }

    /// The trimmed cell, nil when the column is absent or the cell is empty.
    func raw(_ key: String) -> String? {
        guard let index = header.index(key), index < record.count else { return nil }
        let text = trimmedCell(record[index])
        return text.isEmpty ? nil : text
    }

    func has(_ key: String) -> Bool { raw(key) != nil }

    mutating func text(_ key: String, required: Bool = false, maxLength: Int = 1_000) -> String? {
        guard let text = raw(key) else {
            if required { fail(key, "is required") }
            return nil
        }
        if text.count > maxLength {
            fail(key, "expected at most \(maxLength) characters, got \(text.count)")
            return nil
        }
        return text
    }

    mutating func identifier(_ key: String, required: Bool = false) -> String? {
        text(key, required: required, maxLength: 255)
    }

    mutating func email(_ key: String) -> String? {
        guard let text = text(key, maxLength: 254) else { return nil }
        guard EmailAddress.isValid(text) else {
            fail(key, "expected an e-mail address such as ana@example.com, got \"\(text.prefix(60))\"")
            return nil
        }
        return text
    }

    mutating func timestamp(_ key: String, required: Bool = false) -> Date? {
        guard let text = text(key, required: required) else { return nil }
        guard let date = Timestamp.parse(text) else {
            fail(key, "expected an ISO-8601 date-time such as 2024-05-01T12:30:00Z, got \"\(text.prefix(40))\"")
            return nil
        }
        return date
    }

    /// An integer; spreadsheet exports sometimes write whole numbers as `3.0`, which is accepted.
    mutating func integer(_ key: String, required: Bool = false, range: ClosedRange<Int64>? = nil) -> Int64? {
        guard let text = text(key, required: required) else { return nil }
        guard let number = Self.wholeNumber(text) else {
            fail(key, "expected an integer, got \"\(text.prefix(40))\"")
            return nil
        }
        if let range, !range.contains(number) {
            if range.upperBound == .max {
                fail(key, "expected an integer of \(range.lowerBound) or more, got \(number)")
            } else {
                fail(key, "expected an integer from \(range.lowerBound) to \(range.upperBound), got \(number)")
            }
            return nil
        }
        return number
    }

    /// A decimal amount (`19.99`) converted exactly to minor units of `currency`; never negative.
    /// Without a currency the amount cannot be read; the caller reports the missing currency.
    mutating func amount(_ key: String, currency: Currency?, required: Bool = false) -> Int64? {
        guard let text = text(key, required: required, maxLength: 40), let currency else { return nil }
        guard let units = DecimalAmount.minorUnits(text, currency: currency) else {
            let example = DecimalAmount.format(1999, currency: currency)
            fail(
                key,
                "expected a decimal amount such as \(example) with at most \(currency.minorDigits) decimals for "
                    + "\(currency.code), got \"\(text.prefix(40))\"")
            return nil
        }
        guard units >= 0 else {
            fail(key, "expected an amount of zero or more, got \(text)")
            return nil
        }
        return units
    }

    mutating func currency(_ key: String, required: Bool = false) -> Currency? {
        guard let text = text(key, required: required, maxLength: 40) else { return nil }
        guard let currency = Currency(code: text) else {
            fail(key, "expected an ISO 4217 currency code such as USD or EUR, got \"\(text.prefix(40))\"")
            return nil
        }
        return currency
    }

    mutating func enumeration<T: RawRepresentable & CaseIterable>(_ key: String, as type: T.Type) -> T?
    where T.RawValue == String {
        guard let text = text(key) else { return nil }
        guard let value = T(rawValue: text.lowercased()) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            fail(key, "expected one of \(allowed), got \"\(text.prefix(40))\"")
            return nil
        }
        return value
    }

    /// A list in one cell, separated by `;` or `|` (commas would need quoting).
    mutating func list(_ key: String) -> [String]? {
        guard let text = text(key, maxLength: 10_000) else { return nil }
        let items = text.split(whereSeparator: { $0 == ";" || $0 == "|" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return items.isEmpty ? nil : items
    }

    /// A consent state; besides subscribed/unsubscribed/pending, the yes/no forms of store exports.
    mutating func consent(_ key: String) -> ConsentState? {
        guard let text = text(key) else { return nil }
        switch text.lowercased() {
        case "subscribed", "yes", "y", "true", "1", "opted_in", "opted-in": return .subscribed
        case "unsubscribed", "no", "n", "false", "0", "opted_out", "opted-out": return .unsubscribed
        case "pending": return .pending
        default:
            fail(key, "expected subscribed, unsubscribed or pending, got \"\(text.prefix(40))\"")
            return nil
        }
    }

    mutating func phone(_ key: String) -> String? { viaFieldReader(key) { $0.phone($1) } }
    mutating func countryCode(_ key: String) -> String? { viaFieldReader(key) { $0.countryCode($1) } }
    mutating func timeZone(_ key: String) -> String? { viaFieldReader(key) { $0.timeZone($1) } }
    mutating func calendarDate(_ key: String) -> CalendarDate? { viaFieldReader(key) { $0.calendarDate($1) } }

    /// Runs one of the REST validators on this cell, so both surfaces share the rule and the message.
    private mutating func viaFieldReader<T>(_ key: String, _ read: (inout FieldReader, String) -> T?) -> T? {
        guard let text = raw(key) else { return nil }
        let name = header.name(key)
        var reader = FieldReader([name: .string(text)])
        let value = read(&reader, name)
        errors.append(contentsOf: reader.errors.map(\.description))
        return value
    }

    /// `42`, `-3`, `17850.0` -> the integer; nil for anything else.
    static func wholeNumber(_ text: String) -> Int64? {
        if let number = Int64(text) { return number }
        guard let dot = text.firstIndex(of: "."), text[text.index(after: dot)...].allSatisfy({ $0 == "0" }) else {
            return nil
        }
        return Int64(text[..<dot])
    }
}

/// The cell without surrounding whitespace; cheap for the usual cell that has none.
func trimmedCell(_ text: String) -> String {
    guard let first = text.utf8.first, let last = text.utf8.last else { return text }
    if first > 32, first < 0x7F, last > 32, last < 0x7F { return text }
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
}
