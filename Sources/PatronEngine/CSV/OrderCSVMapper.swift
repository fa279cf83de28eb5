import Foundation
import PatronCore

/// Orders, one row per line item; the rows of an order need not be consecutive.
///
/// Order columns, read from the order's first row: order_external_id (required on every row),
/// order_number, customer_external_id, email, currency (required), placed_at (required, ISO-8601),
/// financial_status, fulfillment_status, cancelled_at, subtotal, shipping_total, tax_total,
/// discount_total, discount_code, total (decimals such as 19.99). Line columns: product_external_id,
/// variant_external_id, sku, title (required without sku or product id), quantity (1 or more),
/// unit_price (required), line_discount.
///
/// Rejection policy: a bad line cell rejects only that row; the order keeps its other lines (totals
/// given in the file are kept as given). A bad order cell on the first row rejects the whole order:
/// that row names the problem and every later row of the order points back to it. An order left
/// without a valid line is not imported (each of its rows already carries its own rejection).
/// Orders are ready after `finish`.
public struct OrderCSVMapper: CSVImportMapper {
    static let columns: Set<String> = [
        "order_external_id", "order_number", "customer_external_id", "email", "currency", "placed_at",
        "financial_status", "fulfillment_status", "cancelled_at", "subtotal", "shipping_total", "tax_total",
        "discount_total", "discount_code", "total", "product_external_id", "variant_external_id", "sku", "title",
        "quantity", "unit_price", "line_discount",
    ]

    private struct Group: Sendable {
        /// Nil when the order's first row was rejected.
        var order: OrderInput?
        let firstLine: Int
    }

    public private(set) var headerError: CSVRejection?
    public private(set) var rejections: [CSVRejection] = []
    public var skipped: [CSVRejection] { [] }
    public private(set) var summary = CSVImportSummary()
    /// Header columns this mapper does not read, as written in the file.
    public private(set) var ignoredColumns: [String] = []

    private var header: CSVHeader?
    private var groups: [Group] = []
    private var groupIndex: [String: Int] = [:]
    private var ready: [IngestOperation] = []

    public init() {}

    public mutating func consume(record: [String], line: Int) {
        guard headerError == nil else { return }
        guard let header else {
            let header = CSVHeader(record, line: line)
            headerError = header.problem(
                required: ["order_external_id", "currency", "placed_at", "quantity", "unit_price"],
                known: Self.columns)
            ignoredColumns = header.keys.indices.filter { !Self.columns.contains(header.keys[$0]) }
                .map { header.names[$0] }
            self.header = header
            return
        }
        guard !isBlankRecord(record) else { return }
        summary.rows += 1
        var reader = CSVFieldReader(header: header, record: record)
        reader.checkWidth()
        guard let orderId = reader.identifier("order_external_id", required: true) else {
            reject(line, reader.reason)
            return
        }
        if let index = groupIndex[orderId] {
            addLine(&reader, line: line, orderId: orderId, to: index)
            return
        }
        let order = readOrder(&reader, externalId: orderId)
        let orderIsValid = reader.errors.isEmpty
        let item = readLineItem(&reader, currency: order?.currency)
        groupIndex[orderId] = groups.count
        guard orderIsValid, var order else {
            groups.append(Group(order: nil, firstLine: line))
            reject(line, reader.reason)
            return
        }
        if reader.errors.isEmpty, let item {
            order.lineItems.append(item)
        } else {
            reject(line, reader.reason)
        }
        groups.append(Group(order: order, firstLine: line))
    }

    public mutating func drain() -> [IngestOperation] {
        defer { ready = [] }
        return ready
    }

    public mutating func finish() {
        if header == nil, headerError == nil {
            headerError = CSVRejection(line: 1, reason: "the file is empty: expected a header row")
        }
        for group in groups {
            guard let order = group.order, !order.lineItems.isEmpty else { continue }
            ready.append(.order(order))
            summary.orders += 1
        }
        groups = []
        groupIndex = [:]
    }

    private mutating func reject(_ line: Int, _ reason: String) {
        rejections.append(CSVRejection(line: line, reason: reason))
        summary.rejected += 1
    }

    private mutating func addLine(_ reader: inout CSVFieldReader, line: Int, orderId: String, to index: Int) {
        let group = groups[index]
        guard let order = group.order else {
            reject(
                line,
                "\(reader.header.name("order_external_id")): order \(orderId) was rejected on line \(group.firstLine)")
            return
        }
        if let text = reader.raw("currency"), Currency(code: text) != order.currency {
            reader.fail(
                "currency",
                "expected \(order.currency.code) as on line \(group.firstLine) (the order's first row), "
                    + "got \"\(text.prefix(40))\"")
        }
        let item = readLineItem(&reader, currency: order.currency)
        guard reader.errors.isEmpty, let item else {
            reject(line, reader.reason)
            return
        }
        groups[index].order?.lineItems.append(item)
    }

    private func readOrder(_ reader: inout CSVFieldReader, externalId: String) -> OrderInput? {
        let currency = reader.currency("currency", required: true)
        let placedAt = reader.timestamp("placed_at", required: true)
        let customer = CustomerRef(externalId: reader.identifier("customer_external_id"), email: reader.email("email"))
        var order = OrderInput(
            externalId: externalId, customer: customer, currency: currency ?? .usd, placedAt: placedAt ?? .distantPast)
        order.number = reader.text("order_number", maxLength: 100)
        order.financialStatus = reader.enumeration("financial_status", as: FinancialStatus.self) ?? .paid
        order.fulfillmentStatus = reader.enumeration("fulfillment_status", as: FulfillmentStatus.self) ?? .unfulfilled
        order.cancelledAt = reader.timestamp("cancelled_at")
        order.subtotal = reader.amount("subtotal", currency: currency)
        order.shippingTotal = reader.amount("shipping_total", currency: currency) ?? 0
        order.taxTotal = reader.amount("tax_total", currency: currency) ?? 0
        order.discountTotal = reader.amount("discount_total", currency: currency) ?? 0
        order.total = reader.amount("total", currency: currency)
        if let code = reader.text("discount_code", maxLength: 100) {
            order.discountCodes = [DiscountInput(code: code, amount: order.discountTotal)]
        }
        guard currency != nil, placedAt != nil else { return nil }
        return order
    }

    private func readLineItem(_ reader: inout CSVFieldReader, currency: Currency?) -> LineItemInput? {
        let title = reader.text("title", maxLength: 500)
        let quantity = reader.integer("quantity", required: true, range: 1...1_000_000_000)
        let unitPrice = reader.amount("unit_price", currency: currency, required: true)
        let discount = reader.amount("line_discount", currency: currency)
        let productId = reader.identifier("product_external_id")
        let sku = reader.text("sku", maxLength: 200)
        if title == nil, sku == nil, productId == nil {
            reader.fail("title", "is required when there is no sku or product_external_id")
        }
        guard let quantity, let unitPrice else { return nil }
        var item = LineItemInput(title: title ?? sku ?? productId ?? "", quantity: quantity, unitPrice: unitPrice)
        item.productExternalId = productId
        item.variantExternalId = reader.identifier("variant_external_id")
        item.sku = sku
        item.discount = discount ?? 0
        return item
    }
}
