import Foundation
import PatronCore

/// Maps a Shopify refund: the `refunds/create` payload, or an element of an order's `refunds`.
enum ShopifyRefundMapping {
    /// `orderExternalId` and `orderCurrency` are known when the refund sits inside an order payload.
    static func refund(
        _ reader: inout FieldReader, orderExternalId: String?, orderCurrency: Currency?
    ) -> RefundInput? {
        let externalId = reader.identifier("id", required: true)
        let orderId = orderExternalId ?? reader.identifier("order_id", required: true)
        let createdAt = reader.has("created_at") ? reader.timestamp("created_at") : reader.timestamp("processed_at")
        if !reader.has("created_at"), !reader.has("processed_at") { reader.fail("created_at", "is required") }
        guard let externalId, let orderId, let createdAt else { return nil }

        let amount: (units: Int64, currency: Currency?)?
        if hasRefundTransactions(reader) {
            amount = transactionsTotal(&reader, fallbackCurrency: orderCurrency)
        } else {
            amount = lineItemsTotal(&reader, fallbackCurrency: orderCurrency)
        }
        guard let amount else { return nil }
        var refund = RefundInput(
            externalId: externalId, orderExternalId: orderId, createdAt: createdAt, amount: amount.units)
        refund.currency = amount.currency
        refund.reason = reader.text("note", maxLength: 500)
        refund.lineItems =
            reader.objects("refund_line_items") { item in
                guard let quantity = item.integer("quantity", required: true, range: 0...1_000_000) else {
                    return nil
                }
                var line = RefundLineInput(quantity: quantity)
                line.lineItemExternalId = item.identifier("line_item_id")
                let lineItem = item.object["line_item"]?.objectValue.map { FieldReader($0) }
                line.productExternalId = lineItem?.lenient { $0.identifier("product_id") }
                line.sku = lineItem?.text("sku", maxLength: 200)
                return line
            } ?? []
        return refund
    }

    private static func isRefundTransaction(_ transaction: JSONValue) -> Bool {
        transaction["kind"]?.stringValue?.lowercased() == "refund"
    }

    private static func hasRefundTransactions(_ reader: FieldReader) -> Bool {
        reader.object["transactions"]?.arrayValue?.contains(where: isRefundTransaction) == true
    }

    /// The money actually returned: successful `refund` transactions. Their currency is the one the buyer
    /// paid in, which for a multi-currency order can differ from the order's shop currency.
    private static func transactionsTotal(
        _ reader: inout FieldReader, fallbackCurrency: Currency?
    ) -> (units: Int64, currency: Currency?)? {
        // Shopify's own sample sends "currency": null; the amount is then in the shop currency.
        let code = reader.object["transactions"]?.arrayValue?.lazy.filter(isRefundTransaction)
            .compactMap { $0["currency"]?.stringValue }.first
        guard let currency = code.flatMap(Currency.init(code:)) ?? fallbackCurrency ?? shopCurrency(reader) else {
            reader.fail("transactions", "a refund transaction needs an ISO 4217 currency, got \(code ?? "none")")
            return nil
        }
        let amounts = reader.objects("transactions") { transaction -> Int64? in
            let status = transaction.text("status")?.lowercased()
            guard transaction.text("kind")?.lowercased() == "refund", status == nil || status == "success" else {
                return 0
            }
            return transaction.money("amount", currency: currency, required: true)
        }
        return amounts.map { ($0.saturatingSum(), currency) }
    }

    /// Without transactions (a refund recorded with no money movement yet): the refunded lines with their tax.
    private static func lineItemsTotal(
        _ reader: inout FieldReader, fallbackCurrency: Currency?
    ) -> (units: Int64, currency: Currency?)? {
        let lines = reader.object["refund_line_items"]?.arrayValue ?? []
        guard let currency = shopCurrency(reader) ?? fallbackCurrency else {
            if lines.isEmpty { return (0, nil) }
            reader.fail("refund_line_items", "a refunded line needs subtotal_set.shop_money.currency_code")
            return nil
        }
        let amounts = reader.objects("refund_line_items") { line -> Int64? in
            let subtotal = amount(&line, key: "subtotal", currency: currency)
            let tax = amount(&line, key: "total_tax", currency: currency)
            return (subtotal ?? 0) + (tax ?? 0)
        }
        return amounts.map { ($0.saturatingSum(), currency) }
    }

    /// The shop currency named by any money set of the refund.
    private static func shopCurrency(_ reader: FieldReader) -> Currency? {
        var sets = (reader.object["refund_line_items"]?.arrayValue ?? []).compactMap { $0["subtotal_set"] }
        sets += (reader.object["order_adjustments"]?.arrayValue ?? []).compactMap { $0["amount_set"] }
        sets += [reader.object["total_duties_set"]].compactMap { $0 }
        return sets.lazy.compactMap { $0["shop_money"]?["currency_code"]?.stringValue }
            .compactMap(Currency.init(code:)).first
    }

    /// `key_set.shop_money.amount` (an exact string) when present, else `key` (a JSON number in refund payloads).
    private static func amount(_ reader: inout FieldReader, key: String, currency: Currency) -> Int64? {
        if reader.has(key + "_set") { return reader.shopMoney(key + "_set", currency: currency) }
        return reader.money(key, currency: currency)
    }
}
