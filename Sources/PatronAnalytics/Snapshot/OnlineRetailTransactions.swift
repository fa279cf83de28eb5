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
        var counts = Counts()
        var invoices: [String: (customer: String, time: Int64, amount: Double)] = [:]
        var invoiceOrder: [String] = []
        counts.rows = try OnlineRetailRows.forEach(bytes) { row in
            counts.keptRows += 1
            if let existing = invoices[row.invoice] {
                invoices[row.invoice] = (
                    existing.customer, min(existing.time, row.time), existing.amount + row.quantity * row.price
                )
            } else {
                invoices[row.invoice] = (row.customer, row.time, row.quantity * row.price)
                invoiceOrder.append(row.invoice)
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
