/// Reads baskets for `patron recommend evaluate`: a CSV with the header `user,basket,ts,item` (columns
/// in any order, extra columns ignored, ts in ISO-8601), one row per item bought.
public enum BasketsCSV {
    public static let requiredColumns = ["user", "basket", "ts", "item"]

    public static func read(_ bytes: [UInt8]) throws(TransactionsFileError) -> BasketLog {
        var positions: [Int] = []
        var builder = BasketLogBuilder()
        try TransactionsCSV.forEachRecord(bytes) { fields, line throws(TransactionsFileError) in
            guard !positions.isEmpty else {
                positions = try TransactionsCSV.headerPositions(fields, required: requiredColumns, line: line)
                return
            }
            guard fields.count > positions.max() ?? 0 else {
                throw TransactionsFileError(
                    line: line, message: "expected at least \(positions.max()! + 1) columns, found \(fields.count)")
            }
            var values: [String] = []
            for (name, position) in zip(requiredColumns, positions) {
                let value = fields[position].trimmingSpaces()
                guard !value.isEmpty else { throw TransactionsFileError(line: line, message: "\(name) is empty") }
                values.append(value)
            }
            guard let time = ISODateParser.epochSeconds(Array(values[2].utf8)[...]) else {
                throw TransactionsFileError(
                    line: line,
                    message: "ts \"\(values[2])\" is not an ISO-8601 time: expected yyyy-MM-ddTHH:mm:ss (optional Z or ±hh:mm)")
            }
            builder.append(user: values[0], basket: values[1], time: time, item: values[3])
        }
        guard !positions.isEmpty else {
            throw TransactionsFileError(line: 0, message: "the file is empty: expected a header user,basket,ts,item")
        }
        return builder.build()
    }

    /// The UCI Online Retail file cleaned as baskets: rows with a customer, not cancelled, positive
    /// quantity and price, and a stock code starting with five digits (upper-cased); basket = invoice.
    public static func readOnlineRetail(_ bytes: [UInt8]) throws(TransactionsFileError) -> BasketLog {
        var builder = BasketLogBuilder()
        try OnlineRetailRows.forEach(bytes) { row in
            guard row.stockCode.utf8.prefix(5).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), row.stockCode.utf8.count >= 5 else {
                return
            }
            builder.append(user: row.customer, basket: row.invoice, time: row.time, item: row.stockCode.uppercased())
        }
        return builder.build()
    }
}
