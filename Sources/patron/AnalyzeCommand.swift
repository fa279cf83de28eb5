import ArgumentParser
import Foundation
import PatronAnalytics
import PatronCore
import PatronEngine
import PatronStore

/// `patron analyze`: the customer-base analysis on a plain transactions file (no server, no store), or
/// on a store's stored orders.
struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "RFM, BG/NBD + Gamma-Gamma lifetime value, KPIs and cohorts for a transactions file or a store.",
        discussion: """
            FILE has the header customer_id,date,amount (ISO-8601 dates, one row per order; may be gzipped), or is \
            the UCI Online Retail file with --format online-retail. Models are fitted in days. See docs/analytics.md.
            """)

    @Argument(help: "Transactions CSV (customer_id,date,amount).") var file: String?
    @Option(help: "Analyse a store's stored orders instead of a file.") var store: Int64?
    @Option(help: "File format: transactions or online-retail.") var format = "transactions"
    @Option(help: "End of the calibration period (yyyy-MM-dd, inclusive); later rows are ignored. Default: the last order's day.")
    var until: String?
    @Option(help: "Prediction horizon in days.") var horizon = 365
    @Option(help: "Yearly discount rate for lifetime value.") var discountRate = 0.10
    @Option(help: "Write one row per customer to this CSV file.") var predictions: String?
    @Flag(help: "Print a JSON summary (parameters, log-likelihoods, KPIs, segment sizes) instead of text.") var json = false
    @OptionGroup var databaseOptions: DatabaseOptions

    func validate() throws {
        if file == nil && store == nil { throw ValidationError("give a transactions FILE or --store ID to analyse") }
        if file != nil && store != nil { throw ValidationError("give either FILE or --store ID, not both") }
        guard (1...3_650).contains(horizon) else {
            throw ValidationError("--horizon must be between 1 and 3650 days, got \(horizon)")
        }
        guard (0..<10).contains(discountRate) else {
            throw ValidationError("--discount-rate must be from 0 to 10 (0.10 = 10 % a year), got \(discountRate)")
        }
        if let predictions, let file,
            URL(fileURLWithPath: predictions).standardizedFileURL == URL(fileURLWithPath: file).standardizedFileURL
        {
            throw ValidationError("--predictions \(predictions) would overwrite the input file; choose another path")
        }
        if store != nil, !databaseOptions.location.hasPrefix("postgres"),
            !FileManager.default.fileExists(atPath: databaseOptions.location)
        {
            throw ValidationError("no database at \(databaseOptions.location): pass --database or set PATRON_DATABASE_URL")
        }
        guard ["transactions", "online-retail"].contains(format) else {
            throw ValidationError("--format must be transactions or online-retail, not \(format)")
        }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let snapshot: OrderSnapshot
        if let file {
            snapshot = try readFile(file)
        } else if let store {
            snapshot = try await databaseOptions.withDatabase { database in
                guard try await StoreRepository.find(id: store, in: database) != nil else {
                    throw UserError("no store with id \(store): see `patron stores list`")
                }
                return try await StoreSnapshotLoader(database: database, store: store).orders()
            }
        } else {
            throw UserError("give FILE or --store ID")
        }
        guard snapshot.orderCount > 0 else { throw UserError("there are no orders to analyse") }
        let loaded = ContinuousClock.now
        let end = try calibrationEnd(snapshot)
        let analysis = CustomerAnalysis(
            snapshot, options: AnalysisOptions(until: end, horizonDays: horizon, annualDiscountRate: discountRate))
        let analysed = ContinuousClock.now
        if let predictions {
            let bytes = PredictionsCSV.render(analysis, keys: snapshot.customerKeys)
            guard FileManager.default.createFile(atPath: predictions, contents: Data(bytes)) else {
                throw UserError("cannot write \(predictions)")
            }
        }
        let grid = RFMGrid(analysis)
        if json {
            let summary: JSONValue = [
                "customers": .int(Int64(snapshot.customerCount)), "orders": .int(Int64(snapshot.orderCount)),
                "buyers": .int(Int64(analysis.summary.count)), "until": .string(CivilCalendar.dayLabel(analysis.summary.endDay)),
                "horizon_days": .int(Int64(horizon)), "annual_discount_rate": .double(discountRate),
                "models": AnalysisJSON.models(analysis), "kpis": AnalysisJSON.kpis(analysis.kpis),
                "segments": AnalysisJSON.segmentSizes(grid),
                "predicted_clv_total": analysis.purchaseModel == nil
                    ? .null : .double(analysis.predictedValue.reduce(0) { $0 + ($1.isNaN ? 0 : $1) }),
                "seconds": ["load": .double((loaded - started).seconds), "analysis": .double((analysed - loaded).seconds)],
            ]
            print(summary.serialized())
        } else {
            printText(analysis, grid: grid, snapshot: snapshot)
        }
    }

    private func readFile(_ path: String) throws -> OrderSnapshot {
        let bytes: [UInt8]
        do {
            bytes = try FileImporter.readDecompressed(path)
        } catch {
            throw UserError("\(error)")
        }
        do {
            if format == "online-retail" { return try OnlineRetailTransactions.read(bytes).snapshot }
            return try TransactionsCSV.read(bytes)
        } catch {
            throw UserError("\(path): \(error.description)")
        }
    }

    private func calibrationEnd(_ snapshot: OrderSnapshot) throws -> Int64 {
        guard let until else { return snapshot.orderTimes.max() ?? 0 }
        guard let day = CivilCalendar.parseDay(until) else {
            throw UserError("--until \"\(until)\" is not a date: expected yyyy-MM-dd")
        }
        return day * 86_400 + 86_399
    }

    private func printText(_ analysis: CustomerAnalysis, grid: RFMGrid, snapshot: OrderSnapshot) {
        func fixed(_ value: Double?, _ digits: Int = 2) -> String {
            value.map { String(format: "%.\(digits)f", $0) } ?? "n/a"
        }
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a" }
        print(
            "\(snapshot.customerCount) customers, \(snapshot.orderCount) orders; calibration ends \(CivilCalendar.dayLabel(analysis.summary.endDay))"
        )
        if let model = analysis.purchaseModel, let fit = analysis.purchaseFit {
            print(
                "BG/NBD (days): r=\(fixed(model.r, 4)) alpha=\(fixed(model.alpha, 4)) a=\(fixed(model.a, 4)) b=\(fixed(model.b, 4)) log-likelihood=\(fixed(fit.logLikelihood, 1))"
            )
        } else if let error = analysis.purchaseModelError {
            print("BG/NBD: not fitted: \(error)")
        }
        if let model = analysis.spendModel, let fit = analysis.spendFit {
            print(
                "Gamma-Gamma: p=\(fixed(model.p, 4)) q=\(fixed(model.q, 4)) gamma=\(fixed(model.gamma, 4)) log-likelihood=\(fixed(fit.logLikelihood, 1)) (\(fit.customers) repeat buyers)"
            )
        } else if let error = analysis.spendModelError {
            print("Gamma-Gamma: not fitted: \(error)")
        }
        let kpis = analysis.kpis
        print("KPIs for the \(horizon) days to \(CivilCalendar.dayLabel(analysis.summary.endDay)):")
        print(
            "  orders \(kpis.orders), revenue \(fixed(kpis.revenue)), customers \(kpis.customers), AOV \(fixed(kpis.averageOrderValue))"
        )
        print(
            "  purchase frequency \(fixed(kpis.purchaseFrequency)), repeat purchase rate \(percent(kpis.repeatPurchaseRate)), returning-customer rate \(percent(kpis.returningCustomerRate))"
        )
        print(
            "  repeat revenue share \(percent(kpis.repeatRevenueShare)), median days between orders \(fixed(kpis.medianDaysBetweenOrders, 1))"
        )
        print("  customers at risk \(kpis.customersAtRisk.map(String.init) ?? "n/a"), value at risk \(fixed(kpis.valueAtRisk))")
        print("RFM segments:")
        for totals in grid.segments {
            print(
                "  \(totals.segment.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)) \(String(totals.customers).leftPadded(8))  revenue \(fixed(totals.revenue))"
            )
        }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
