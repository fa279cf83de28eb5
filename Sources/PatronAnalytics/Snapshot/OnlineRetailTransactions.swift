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
        var lines = CSVLines(bytes)
        guard let header = lines.next() else { throw TransactionsFileError(line: 0, message: "the file is empty") }
        let names = header.fields.map { String(decoding: $0, as: UTF8.self).trimmingSpaces() }
        var positions: [Int] = []
        for column in ["InvoiceNo", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"] {
            guard let position = names.firstIndex(of: column) else {
                throw TransactionsFileError(
                    line: 1, message: "the header has no \(column) column: this is not the Online Retail file")
            }
            positions.append(position)
        }
        var counts = Counts()
        var invoices: [String: (customer: String, time: Int64, amount: Double)] = [:]
        var invoiceOrder: [String] = []
        while let line = lines.next() {
            guard line.fields.count > positions.max() ?? 0 else { continue }
            counts.rows += 1
            let invoice = String(decoding: line.fields[positions[0]], as: UTF8.self)
            let customerField = String(decoding: line.fields[positions[4]], as: UTF8.self).trimmingSpaces()
            guard !invoice.hasPrefix("C"), !customerField.isEmpty,
                let quantity = Double(String(decoding: line.fields[positions[1]], as: UTF8.self)), quantity > 0,
                let price = Double(String(decoding: line.fields[positions[3]], as: UTF8.self)), price > 0,
                let time = ISODateParser.epochSeconds(line.fields[positions[2]])
            else { continue }
            counts.keptRows += 1
            let customer = customerField.hasSuffix(".0") ? String(customerField.dropLast(2)) : customerField
            if let existing = invoices[invoice] {
                invoices[invoice] = (existing.customer, min(existing.time, time), existing.amount + quantity * price)
            } else {
                invoices[invoice] = (customer, time, quantity * price)
                invoiceOrder.append(invoice)
            }
        }
        var builder = OrderSnapshotBuilder(expectedOrders: invoiceOrder.count)
        for invoice in invoiceOrder {
            guard let order = invoices[invoice] else { continue }
            builder.append(customer: order.customer, time: order.time, amount: (order.amount * 100).rounded() / 100)
        }
        counts.orders = invoiceOrder.count
        return (builder.build(), counts)
    }
}
