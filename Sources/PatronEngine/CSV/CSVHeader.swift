import Foundation
import PatronCore

/// The header row of an import file. Columns are looked up by a normalised snake_case key, so
/// `External ID`, `externalId`, `EXTERNAL_ID` and `external-id` all mean `external_id`; error
/// messages name the column as the file writes it.
struct CSVHeader: Sendable {
    let line: Int
    /// Column names as written (trimmed).
    let names: [String]
    /// Normalised keys, one per column.
    let keys: [String]
    /// Keys that appear more than once (the first column wins).
    let duplicates: [String]
    private let indexByKey: [String: Int]

    init(_ record: [String], line: Int) {
        self.line = line
        names = record.map { $0.trimmingCharacters(in: .whitespaces) }
        keys = names.map(Self.normalize)
        var indexByKey: [String: Int] = [:]
        var duplicates: [String] = []
        for (index, key) in keys.enumerated() where !key.isEmpty {
            if indexByKey[key] == nil {
                indexByKey[key] = index
            } else if !duplicates.contains(key) {
                duplicates.append(key)
            }
        }
        self.indexByKey = indexByKey
        self.duplicates = duplicates
    }

    func index(_ key: String) -> Int? { indexByKey[key] }

    /// The column's name as written in the file, or the key when the file has no such column.
    func name(_ key: String) -> String {
        guard let index = indexByKey[key], !names[index].isEmpty else { return key }
        return names[index]
    }

    /// A header-level problem: a missing required column or a known column given twice.
    func problem(required: [String], known: Set<String>) -> CSVRejection? {
        let missing = required.filter { indexByKey[$0] == nil }
        if !missing.isEmpty {
            let list = missing.joined(separator: ", ")
            return CSVRejection(
                line: line, reason: "header: missing required column\(missing.count == 1 ? "" : "s") \(list)")
        }
        let repeated = duplicates.filter(known.contains)
        if !repeated.isEmpty {
            return CSVRejection(
                line: line, reason: "header: column \(repeated.joined(separator: ", ")) appears more than once")
        }
        return nil
    }

    /// `Customer ID` -> `customer_id`, `InvoiceNo` -> `invoice_no`, `HTTPStatus` -> `http_status`.
    static func normalize(_ name: String) -> String {
        let characters = Array(name.trimmingCharacters(in: .whitespacesAndNewlines.union(["\u{FEFF}"])))
        var key = ""
        for (index, character) in characters.enumerated() {
            guard character.isLetter || character.isNumber else {
                if !key.isEmpty, key.last != "_" { key.append("_") }
                continue
            }
            if character.isUppercase, index > 0, key.last != "_" {
                let previous = characters[index - 1]
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && next?.isLowercase == true) {
                    key.append("_")
                }
            }
            key.append(contentsOf: character.lowercased())
        }
        while key.last == "_" { key.removeLast() }
        return key
    }
}
