/// Reads the UCI "Online Retail" file (InvoiceNo, StockCode, Description, Quantity, InvoiceDate,
/// UnitPrice, CustomerID, Country) as orders: rows without a customer, cancellations (invoices
/// starting with "C") and rows with a non-positive quantity or price are dropped; each invoice
/// becomes one order worth Σ quantity × price, placed at its earliest row time.
public enum OnlineRetailTransactions {
    public struct Counts: Sendable, Equatable {
        public var rows = 0
        public var keptRows = 0
        public var orders = 0
    }

    public static func read(_ bytes: [UInt8]) throws(TransactionsFileError) -> (snapshot: OrderSnapshot, counts: Counts) {
        var positions: [Int] = []
        var counts = Counts()
        var invoices: [String: (customer: String, time: Int64, amount: Double)] = [:]
        var invoiceOrder: [String] = []
        try TransactionsCSV.forEachRecord(bytes) { fields, line throws(TransactionsFileError) in
            guard !positions.isEmpty else {
                let names = fields.map { $0.trimmingSpaces() }
                for column in ["InvoiceNo", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"] {
                    guard let position = names.firstIndex(of: column) else {
                        throw TransactionsFileError(
                            line: line, message: "the header has no \(column) column: this is not the Online Retail file")
                    }
                    positions.append(position)
                }
                return
            }
            guard fields.count > positions.max() ?? 0 else { return }
            counts.rows += 1
            let invoice = fields[positions[0]]
            let customerField = fields[positions[4]].trimmingSpaces()
            guard !invoice.hasPrefix("C"), !customerField.isEmpty,
                let quantity = Double(fields[positions[1]]), quantity > 0,
                let price = Double(fields[positions[3]]), price > 0,
                let time = ISODateParser.epochSeconds(Array(fields[positions[2]].utf8)[...])
            else { return }
            counts.keptRows += 1
            let customer = customerField.hasSuffix(".0") ? String(customerField.dropLast(2)) : customerField
            if let existing = invoices[invoice] {
                invoices[invoice] = (existing.customer, min(existing.time, time), existing.amount + quantity * price)
            } else {
                invoices[invoice] = (customer, time, quantity * price)
                invoiceOrder.append(invoice)
            }
        }
        guard !positions.isEmpty else { throw TransactionsFileError(line: 0, message: "the file is empty") }
        var builder = OrderSnapshotBuilder(expectedOrders: invoiceOrder.count)
        for invoice in invoiceOrder {
            guard let order = invoices[invoice] else { continue }
            builder.append(customer: order.customer, time: order.time, amount: (order.amount * 100).rounded() / 100)
        }
        counts.orders = invoiceOrder.count
        return (builder.build(), counts)
    }
}
