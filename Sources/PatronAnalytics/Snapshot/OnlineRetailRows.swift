/// The rows of the UCI "Online Retail" file (InvoiceNo, StockCode, Description, Quantity, InvoiceDate,
/// UnitPrice, CustomerID, Country) that are real sales: rows without a customer, cancellations
/// (invoices starting with "C") and rows with a non-positive quantity or price are dropped.
enum OnlineRetailRows {
    struct Row {
        var invoice: String
        var stockCode: String
        var customer: String
        var quantity: Double
        var price: Double
        var time: Int64
    }

    /// Calls `body` with each kept row; returns how many data rows the file had.
    @discardableResult
    static func forEach(_ bytes: [UInt8], _ body: (Row) -> Void) throws(TransactionsFileError) -> Int {
        var positions: [Int] = []
        var rows = 0
        try TransactionsCSV.forEachRecord(bytes) { fields, line throws(TransactionsFileError) in
            guard !positions.isEmpty else {
                let names = fields.map { $0.trimmingSpaces() }
                for column in ["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"] {
                    guard let position = names.firstIndex(of: column) else {
                        throw TransactionsFileError(
                            line: line, message: "the header has no \(column) column: this is not the Online Retail file")
                    }
                    positions.append(position)
                }
                return
            }
            guard fields.count > positions.max() ?? 0 else { return }
            rows += 1
            let invoice = fields[positions[0]]
            let customerField = fields[positions[5]].trimmingSpaces()
            guard !invoice.hasPrefix("C"), !customerField.isEmpty,
                let quantity = Double(fields[positions[2]]), quantity > 0,
                let price = Double(fields[positions[4]]), price > 0,
                let time = ISODateParser.epochSeconds(Array(fields[positions[3]].utf8)[...])
            else { return }
            let customer = customerField.hasSuffix(".0") ? String(customerField.dropLast(2)) : customerField
            body(
                Row(
                    invoice: invoice, stockCode: fields[positions[1]].trimmingSpaces(), customer: customer, quantity: quantity,
                    price: price, time: time))
        }
        guard !positions.isEmpty else { throw TransactionsFileError(line: 0, message: "the file is empty") }
        return rows
    }
}
