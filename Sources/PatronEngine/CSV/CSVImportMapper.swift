import Foundation
import PatronCore

/// What an import produced. `rows` counts data records (not the header, not blank rows); the entity
/// counts are the operations produced; `skipped` counts rows that were valid but could not be used.
public struct CSVImportSummary: Sendable, Hashable {
    public var rows = 0
    public var customers = 0
    public var products = 0
    public var orders = 0
    public var refunds = 0
    public var rejected = 0
    public var skipped = 0

    public init() {}
}

/// Turns the records of one CSV file into ingest operations, streaming where the grouping allows.
///
/// The first record consumed is the header. If it lacks a required column, `headerError` is set and
/// later records are ignored: the caller should stop. Otherwise feed every record, take ready operations
/// with `drain` whenever convenient, call `finish` at the end of the file and `drain` once more.
public protocol CSVImportMapper: Sendable {
    var headerError: CSVRejection? { get }
    /// Rows that were rejected, in the order found.
    var rejections: [CSVRejection] { get }
    /// Valid rows that could not be used (an online-retail cancellation without an earlier invoice).
    var skipped: [CSVRejection] { get }
    var summary: CSVImportSummary { get }

    mutating func consume(record: [String], line: Int)
    /// Takes the operations ready so far.
    mutating func drain() -> [IngestOperation]
    /// Completes the groups still open (products and orders whose rows may be anywhere in the file).
    mutating func finish()
}

/// The CSV layouts `patron import` understands.
public enum ImportKind: String, Sendable, CaseIterable {
    case customers
    case products
    case orders
    /// The UCI "Online Retail" data set (InvoiceNo, StockCode, ... Country).
    case onlineRetail = "online-retail"

    public func makeMapper() -> any CSVImportMapper {
        switch self {
        case .customers: CustomerCSVMapper()
        case .products: ProductCSVMapper()
        case .orders: OrderCSVMapper()
        case .onlineRetail: OnlineRetailMapper()
        }
    }
}

extension CSVImportMapper {
    /// Maps a complete CSV text in one go (tests, small uploads).
    public mutating func map(text: String) -> (operations: [IngestOperation], problems: [CSVRejection]) {
        var reader = CSVReader()
        var operations: [IngestOperation] = []
        reader.feed(Array(text.utf8)) { consume(record: $0, line: $1) }
        reader.finish { consume(record: $0, line: $1) }
        finish()
        operations.append(contentsOf: drain())
        return (operations, reader.problems)
    }
}

/// True for rows with nothing but whitespace (spreadsheets export trailing `,,,,` rows).
func isBlankRecord(_ record: [String]) -> Bool {
    record.allSatisfy { field in field.utf8.allSatisfy { $0 == 32 || $0 == 9 } }
}
