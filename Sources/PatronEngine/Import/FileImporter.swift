import CompressNIO
import Foundation
import NIOCore
import PatronCore
import PatronStore

/// What an import did: counts by outcome and kind, and every rejected or skipped line with its reason.
public struct ImportReport: Sendable {
    public var rows = 0
    public var created: [String: Int] = [:]
    public var updated: [String: Int] = [:]
    public var rejections: [CSVRejection] = []
    public var skipped: [CSVRejection] = []
    public var seconds = 0.0
}

/// Where an import is: reading the file (bytes), or writing what it grouped (records).
public struct ImportProgress: Sendable {
    public enum Stage: String, Sendable {
        case reading
        case writing
    }

    public let stage: Stage
    public let done: Int
    public let total: Int
    public let rows: Int
}

public enum ImportError: Error, CustomStringConvertible {
    case unreadable(String)
    case header(CSVRejection)

    public var description: String {
        switch self {
        case .unreadable(let message): message
        case .header(let rejection): "bad header: \(rejection.reason)"
        }
    }
}

/// Streams a CSV file (plain or gzipped) through a mapper into the store, committing every few
/// thousand operations in one transaction.
public struct FileImporter: Sendable {
    public let ingestor: Ingestor
    public let store: Int64
    public var operationsPerTransaction = 2_000

    public init(ingestor: Ingestor, store: Int64) {
        self.ingestor = ingestor
        self.store = store
    }

    public func run(kind: ImportKind, path: String, progress: @Sendable (ImportProgress) -> Void) async throws -> ImportReport {
        let started = Date()
        let bytes = try Self.readDecompressed(path)
        var mapper = kind.makeMapper()
        var reader = CSVReader()
        var report = ImportReport()
        let chunkSize = 1 << 20
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunkSize)
            bytes[offset..<end].withUnsafeBufferPointer { chunk in
                reader.feed(chunk) { fields, line in mapper.consume(record: fields, line: line) }
            }
            offset = end
            if let headerError = mapper.headerError { throw ImportError.header(headerError) }
            let operations = mapper.drain()
            if !operations.isEmpty { try await apply(operations, into: &report) }
            progress(ImportProgress(stage: .reading, done: offset, total: bytes.count, rows: mapper.summary.rows))
        }
        reader.finish { fields, line in mapper.consume(record: fields, line: line) }
        if let headerError = mapper.headerError { throw ImportError.header(headerError) }
        mapper.finish()
        let rows = mapper.summary.rows
        try await apply(mapper.drain(), into: &report) { written, total in
            progress(ImportProgress(stage: .writing, done: written, total: total, rows: rows))
        }
        report.rows = mapper.summary.rows
        report.rejections = (report.rejections + reader.problems + mapper.rejections).sorted { $0.line < $1.line }
        report.skipped = mapper.skipped
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    func apply(
        _ operations: [IngestOperation], into report: inout ImportReport, written: (Int, Int) -> Void = { _, _ in }
    ) async throws {
        var operations = operations
        operations.removeAll { operation in
            guard operation.assembledProblem(field: "total") != nil, case .order(let order) = operation else { return false }
            report.rejections.append(
                CSVRejection(line: 0, reason: "order \(order.externalId): its amounts add up beyond the accepted range"))
            return true
        }
        for start in stride(from: 0, to: operations.count, by: operationsPerTransaction) {
            written(start, operations.count)
            let slice = Array(operations[start..<min(operations.count, start + operationsPerTransaction)])
            let results = try await ingestor.apply(store: store, operations: slice, source: .csv)
            for (operation, result) in zip(slice, results) {
                guard let result else { continue }
                if result.outcome == .created {
                    report.created[operation.kindName, default: 0] += 1
                } else {
                    report.updated[operation.kindName, default: 0] += 1
                }
            }
        }
        written(operations.count, operations.count)
    }

    /// The file's bytes, inflated when it starts with the gzip magic number.
    public static func readDecompressed(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError.unreadable("cannot read \(path): no such file or not readable")
        }
        guard data.count >= 2, data[data.startIndex] == 0x1F, data[data.startIndex + 1] == 0x8B else { return [UInt8](data) }
        var buffer = ByteBuffer(bytes: data)
        do {
            let inflated = try buffer.decompress(with: .gzip(), maxSize: 4 << 30)
            return Array(inflated.readableBytesView)
        } catch {
            throw ImportError.unreadable("\(path) looks gzipped but could not be decompressed: \(error)")
        }
    }
}
