import ArgumentParser
import Foundation
import PatronCore
import PatronEngine
import PatronStore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV file (customers, products, orders) or the UCI Online Retail file into a store.",
        discussion: "Column formats are in docs/api.md. Files may be gzipped. Every rejected line is reported with its reason.")

    @OptionGroup var databaseOptions: DatabaseOptions
    @Argument(help: "What the file holds: customers, products, orders or online-retail.") var kind: String
    @Argument(help: "The CSV file (plain or .gz).") var file: String
    @Option(help: "The store to import into.") var store: Int64
    @Option(help: "Write every rejected line to this file instead of the terminal.") var rejections: String?

    func run() async throws {
        guard let importKind = ImportKind(rawValue: kind) else {
            throw UserError("unknown import kind \"\(kind)\": expected customers, products, orders or online-retail")
        }
        guard FileManager.default.isReadableFile(atPath: file) else { throw UserError("cannot read \(file)") }
        let storeId = store
        let file = file
        let report = try await databaseOptions.withDatabase { database in
            guard try await StoreRepository.find(id: storeId, in: database) != nil else {
                throw UserError("no store with id \(storeId): see `patron stores list`")
            }
            let progress = ProgressBar(enabled: isatty(STDERR_FILENO) == 1)
            let importer = FileImporter(ingestor: Ingestor(database: database), store: storeId)
            do {
                let report = try await importer.run(kind: importKind, path: file) { progress.update($0) }
                progress.finish()
                return report
            } catch let error as ImportError {
                throw UserError(error.description)
            }
        }
        try printReport(report)
    }

    func printReport(_ report: ImportReport) throws {
        let problems = report.rejections.map { "line \($0.line): \($0.reason)" }
        if let rejections {
            try (problems.joined(separator: "\n") + "\n").write(toFile: rejections, atomically: true, encoding: .utf8)
        } else {
            for problem in problems { print("rejected \(problem)") }
        }
        for skipped in report.skipped.prefix(20) { print("skipped line \(skipped.line): \(skipped.reason)") }
        if report.skipped.count > 20 { print("skipped \(report.skipped.count - 20) more lines for the same kinds of reasons") }
        print("Imported \(report.rows) rows in \(String(format: "%.1f", report.seconds)) s")
        for kind in Set(report.created.keys).union(report.updated.keys).sorted() {
            print("  \(kind): \(report.created[kind] ?? 0) created, \(report.updated[kind] ?? 0) updated")
        }
        print("  rejected lines: \(report.rejections.count)\(rejections.map { " (listed in \($0))" } ?? "")")
        print("  skipped lines: \(report.skipped.count)")
    }
}

/// A one-line progress bar on standard error, redrawn at most ten times a second.
final class ProgressBar: @unchecked Sendable {
    let enabled: Bool
    private let lock = NSLock()
    private var lastDraw = Date.distantPast

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ progress: ImportProgress) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 || progress.done == progress.total else { return }
        lastDraw = now
        let fraction = progress.total == 0 ? 1 : Double(progress.done) / Double(progress.total)
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let detail =
            progress.stage == .reading
            ? "reading: \(progress.rows) rows" : "writing: \(progress.done) of \(progress.total) records"
        FileHandle.standardError.write(Data("\r[\(bar)] \(Int(fraction * 100))%  \(detail)\u{1B}[K".utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
