import Foundation
import PatronCore

/// The UCI "Online Retail" data set (InvoiceNo, StockCode, Description, Quantity, InvoiceDate,
/// UnitPrice, CustomerID, Country) as customers, products, orders and refunds, all in GBP.
///
/// - Customers: one per CustomerID (`17850.0` -> `17850`) with a sale; country from the most recent
///   row, mapped to ISO alpha-2 (a name with no code is kept in `properties.country_name`);
///   `createdAt` is the first purchase.
/// - Products: one per upper-cased StockCode sold, except charge codes (`nonProductCodes`), with one
///   default variant; title and price from the most recent sale row.
/// - Orders: one per sale invoice (rows may be anywhere in the file), placed at the first row's
///   InvoiceDate, paid and fulfilled (the data is historical); no CustomerID makes a guest order.
///   Line ids are `<invoice>-<n>`.
/// - Refunds: each cancellation row (`C` invoice, negative quantity) refunds |quantity| x price against
///   the most recent invoice of the same customer, placed no later than the cancellation, that has the
///   stock code. Refund id `<C invoice>-<stock code>`; repeated rows of one code merge. Cancellations
///   without a customer or without such an invoice are `skipped` (valid data, nothing to attach to).
/// - Rejected: quantity 0, a negative quantity on a sale or a positive one on a cancellation, a price
///   not above zero on a sale (or below zero anywhere), an unreadable cell.
///
/// Everything is ready after `finish`, because invoices and refund targets may be anywhere in the file.
public struct OnlineRetailMapper: CSVImportMapper {
    static let requiredColumns = [
        "invoice_no", "stock_code", "description", "quantity", "invoice_date", "unit_price", "customer_id", "country",
    ]

    private struct Columns: Sendable {
        let invoice, stockCode, description, quantity, date, price, customer, country: Int
    }

    private struct Code: Sendable {
        let code: String
        let isProduct: Bool
        var sold = false
        var title: String?
        var price: Int64 = 0
        var priceDate = -Double.infinity
        var firstSold = Double.infinity
    }

    private struct Customer: Sendable {
        let externalId: String
        var countryName = ""
        var countryDate = -Double.infinity
        var firstPurchase = Double.infinity
    }

    private struct Sale: Sendable {
        let date: Double
        let order: Int
        let lineItem: Int
    }

    private struct Cancellation: Sendable {
        let line: Int
        let invoice: String
        let code: String
        let customer: String
        let quantity: Int64
        let price: Int64
        let date: Date
    }

    public private(set) var headerError: CSVRejection?
    public private(set) var rejections: [CSVRejection] = []
    public private(set) var skipped: [CSVRejection] = []
    public private(set) var summary = CSVImportSummary()

    private var header: CSVHeader?
    private var columns: Columns?
    private var codes: [Code] = []
    private var codeIndex: [String: Int] = [:]
    private var customers: [Customer] = []
    private var customerIndex: [String: Int] = [:]
    private var orders: [OrderInput] = []
    private var orderIndex: [String: Int] = [:]
    /// Sales by customer index << 32 | code index, for matching cancellations.
    private var sales: [Int: [Sale]] = [:]
    private var cancellations: [Cancellation] = []
    private var ready: [IngestOperation] = []
    private var lastDate: (text: String, date: Date)?
    private var lastCustomer: (text: String, id: String)?

    public init() {}

    public mutating func consume(record: [String], line: Int) {
        guard headerError == nil else { return }
        guard let columns else {
            readHeader(record, line: line)
            return
        }
        guard !isBlankRecord(record) else { return }
        summary.rows += 1
        func cell(_ index: Int) -> String { index < record.count ? trimmedCell(record[index]) : "" }
        guard let header else { return }
        var errors: [String] = []
        func fail(_ key: String, _ message: String) { errors.append("\(header.name(key)): \(message)") }

        let invoice = cell(columns.invoice)
        let isCancellation = invoice.utf8.first == UInt8(ascii: "C") || invoice.utf8.first == UInt8(ascii: "c")
        if invoice.isEmpty || invoice.utf8.count > 255 { fail("invoice_no", "expected an invoice number") }
        let code = upperCased(cell(columns.stockCode))
        if code.isEmpty || code.utf8.count > 200 { fail("stock_code", "expected a stock code") }
        let quantityText = cell(columns.quantity)
        let quantity = Int64(quantityText)
        if let quantity {
            if quantity == 0 {
                fail("quantity", "expected a non-zero quantity, got 0")
            } else if isCancellation, quantity > 0 {
                fail("quantity", "expected a negative quantity on cancellation invoice \(invoice), got \(quantity)")
            } else if !isCancellation, quantity < 0 {
                fail(
                    "quantity",
                    "expected a positive quantity on sale invoice \(invoice) (only C invoices cancel), got \(quantity)")
            }
        } else {
            fail("quantity", "expected an integer, got \"\(quantityText.prefix(40))\"")
        }
        let date = parseDate(cell(columns.date))
        if date == nil {
            fail(
                "invoice_date",
                "expected a date-time such as 2010-12-01 08:26:00 or 12/1/2010 8:26, got \"\(cell(columns.date))\"")
        }
        let priceText = cell(columns.price)
        let price = OnlineRetailVocabulary.minorUnits(priceText, currency: .gbp)
        if let price {
            if !isCancellation, price <= 0 {
                fail("unit_price", "expected a price above zero on sale invoice \(invoice), got \(priceText)")
            } else if price < 0 {
                fail("unit_price", "expected a price of zero or more, got \(priceText)")
            }
        } else {
            fail("unit_price", "expected a GBP amount with at most 2 decimals such as 2.55, got \"\(priceText)\"")
        }
        let customer = parseCustomer(cell(columns.customer))
        if customer == nil {
            fail(
                "customer_id",
                "expected a whole customer number such as 17850 or 17850.0, got \"\(cell(columns.customer))\"")
        }
        if record.count > header.keys.count, !isBlankRecord(Array(record[header.keys.count...])) {
            errors.append("row: expected \(header.keys.count) fields as in the header, got \(record.count)")
        }
        guard errors.isEmpty, let quantity, let date, let price, let customer else {
            rejections.append(CSVRejection(line: line, reason: errors.joined(separator: "; ")))
            summary.rejected += 1
            return
        }
        if isCancellation {
            guard !customer.isEmpty else {
                skip(line, "cancellation \(invoice) of \(code) has no CustomerID, so no earlier invoice can be matched")
                return
            }
            cancellations.append(
                Cancellation(
                    line: line, invoice: invoice, code: code, customer: customer, quantity: -quantity, price: price,
                    date: date))
        } else {
            addSale(
                invoice: invoice, code: code, description: cell(columns.description), quantity: quantity, price: price,
                date: date, customer: customer, country: cell(columns.country))
        }
    }

    public mutating func drain() -> [IngestOperation] {
        defer { ready = [] }
        return ready
    }

    public mutating func finish() {
        if header == nil, headerError == nil {
            headerError = CSVRejection(line: 1, reason: "the file is empty: expected a header row")
        }
        for customer in customers {
            var input = CustomerInput(externalId: customer.externalId)
            if let code = OnlineRetailVocabulary.countryCodes[customer.countryName], let code {
                input.country = code
            } else if !customer.countryName.isEmpty {
                input.properties = ["country_name": .string(customer.countryName)]
            }
            input.createdAt = Date(timeIntervalSince1970: customer.firstPurchase)
            ready.append(.customer(input))
        }
        summary.customers += customers.count
        for code in codes where code.isProduct && code.sold {
            var product = ProductInput(externalId: code.code)
            product.title = code.title ?? code.code
            product.currency = .gbp
            product.status = .active
            product.createdAt = Date(timeIntervalSince1970: code.firstSold)
            var variant = VariantInput(externalId: code.code)
            variant.sku = code.code
            variant.price = code.price
            product.variants = [variant]
            ready.append(.product(product))
            summary.products += 1
        }
        ready.append(contentsOf: orders.map { .order($0) })
        summary.orders += orders.count
        let refunds = matchCancellations()
        ready.append(contentsOf: refunds.map { .refund($0) })
        summary.refunds += refunds.count
        codes = []
        codeIndex = [:]
        customers = []
        customerIndex = [:]
        orders = []
        orderIndex = [:]
        sales = [:]
        cancellations = []
    }

    private mutating func readHeader(_ record: [String], line: Int) {
        let header = CSVHeader(record, line: line)
        self.header = header
        headerError = header.problem(required: Self.requiredColumns, known: Set(Self.requiredColumns))
        guard headerError == nil, let invoice = header.index("invoice_no"), let stockCode = header.index("stock_code"),
            let description = header.index("description"), let quantity = header.index("quantity"),
            let date = header.index("invoice_date"), let price = header.index("unit_price"),
            let customer = header.index("customer_id"), let country = header.index("country")
        else { return }
        columns = Columns(
            invoice: invoice, stockCode: stockCode, description: description, quantity: quantity, date: date,
            price: price, customer: customer, country: country)
    }

    private mutating func skip(_ line: Int, _ reason: String) {
        skipped.append(CSVRejection(line: line, reason: reason))
        summary.skipped += 1
    }

    /// Stock codes are mostly upper case already; only the rest pay for `uppercased()`.
    private func upperCased(_ text: String) -> String {
        text.utf8.contains(where: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") || $0 >= 0x80 })
            ? text.uppercased() : text
    }

    /// Consecutive rows usually share the date, so the last one is remembered.
    private mutating func parseDate(_ text: String) -> Date? {
        if let lastDate, lastDate.text == text { return lastDate.date }
        guard let date = OnlineRetailVocabulary.date(text) else { return nil }
        lastDate = (text, date)
        return date
    }

    /// The customer's external id, "" for a guest, nil when unreadable.
    private mutating func parseCustomer(_ text: String) -> String? {
        if text.isEmpty { return "" }
        if let lastCustomer, lastCustomer.text == text { return lastCustomer.id }
        guard let id = OnlineRetailVocabulary.customerId(text) else { return nil }
        lastCustomer = (text, id)
        return id
    }

    private mutating func addSale(
        invoice: String, code: String, description: String, quantity: Int64, price: Int64, date: Date,
        customer: String, country: String
    ) {
        let time = date.timeIntervalSince1970
        let codeNumber: Int
        if let known = codeIndex[code] {
            codeNumber = known
        } else {
            codeNumber = codes.count
            codeIndex[code] = codeNumber
            codes.append(Code(code: code, isProduct: !OnlineRetailVocabulary.nonProductCodes.contains(code)))
        }
        codes[codeNumber].sold = true
        codes[codeNumber].firstSold = min(codes[codeNumber].firstSold, time)
        if time >= codes[codeNumber].priceDate {
            codes[codeNumber].priceDate = time
            codes[codeNumber].price = price
            if !description.isEmpty { codes[codeNumber].title = description }
        }

        var customerNumber: Int?
        if !customer.isEmpty {
            let number: Int
            if let known = customerIndex[customer] {
                number = known
            } else {
                number = customers.count
                customerIndex[customer] = number
                customers.append(Customer(externalId: customer))
            }
            customers[number].firstPurchase = min(customers[number].firstPurchase, time)
            if time >= customers[number].countryDate {
                customers[number].countryDate = time
                customers[number].countryName = country
            }
            customerNumber = number
        }

        let orderNumber: Int
        if let known = orderIndex[invoice] {
            orderNumber = known
        } else {
            orderNumber = orders.count
            orderIndex[invoice] = orderNumber
            var order = OrderInput(
                externalId: invoice, customer: CustomerRef(externalId: customerNumber == nil ? nil : customer),
                currency: .gbp, placedAt: date)
            order.number = invoice
            order.financialStatus = .paid
            order.fulfillmentStatus = .fulfilled
            order.sourceName = ImportKind.onlineRetail.rawValue
            orders.append(order)
        }
        let isProduct = codes[codeNumber].isProduct
        var item = LineItemInput(title: description.isEmpty ? code : description, quantity: quantity, unitPrice: price)
        item.externalId = "\(invoice)-\(orders[orderNumber].lineItems.count + 1)"
        item.productExternalId = isProduct ? code : nil
        item.variantExternalId = isProduct ? code : nil
        item.sku = code
        if let customerNumber {
            let sale = Sale(date: time, order: orderNumber, lineItem: orders[orderNumber].lineItems.count)
            sales[customerNumber << 32 | codeNumber, default: []].append(sale)
        }
        orders[orderNumber].lineItems.append(item)
    }

    private mutating func matchCancellations() -> [RefundInput] {
        var refunds: [RefundInput] = []
        var refundIndex: [String: Int] = [:]
        for cancellation in cancellations {
            let time = cancellation.date.timeIntervalSince1970
            let candidates =
                if let customer = customerIndex[cancellation.customer], let code = codeIndex[cancellation.code] {
                    sales[customer << 32 | code] ?? []
                } else {
                    [Sale]()
                }
            // The latest sale not after the cancellation; among equal times the one later in the file.
            var best: Sale?
            for sale in candidates where sale.date <= time && sale.date >= (best?.date ?? -.infinity) {
                best = sale
            }
            guard let best else {
                skip(
                    cancellation.line,
                    "cancellation \(cancellation.invoice): no earlier invoice of customer \(cancellation.customer) "
                        + "has stock code \(cancellation.code)")
                continue
            }
            let order = orders[best.order]
            let lineItem = order.lineItems[best.lineItem]
            let amount = cancellation.quantity.saturatingMultiplied(by: cancellation.price)
            var line = RefundLineInput(quantity: cancellation.quantity)
            line.lineItemExternalId = lineItem.externalId
            line.productExternalId = lineItem.productExternalId
            line.sku = cancellation.code
            // Rows of one code in one cancellation merge; the rare one matching another order gets a suffix.
            let baseId = "\(cancellation.invoice)-\(cancellation.code)"
            var refundId = baseId
            var suffix = 2
            while let existing = refundIndex[refundId], refunds[existing].orderExternalId != order.externalId {
                refundId = "\(baseId)-\(suffix)"
                suffix += 1
            }
            if let existing = refundIndex[refundId] {
                refunds[existing].amount += amount
                if let same = refunds[existing].lineItems.firstIndex(where: {
                    $0.lineItemExternalId == line.lineItemExternalId
                }) {
                    refunds[existing].lineItems[same].quantity += line.quantity
                } else {
                    refunds[existing].lineItems.append(line)
                }
                continue
            }
            var refund = RefundInput(
                externalId: refundId, orderExternalId: order.externalId, createdAt: cancellation.date, amount: amount)
            refund.currency = .gbp
            refund.reason = "cancellation invoice \(cancellation.invoice)"
            refund.lineItems = [line]
            refundIndex[refundId] = refunds.count
            refunds.append(refund)
        }
        return refunds
    }
}
