import Foundation
import PatronCore

/// Readers for the way Shopify writes values: money as decimal strings, tags as one comma-separated string.
extension FieldReader {
    /// A money amount in minor units of `currency`. Shopify writes amounts as decimal strings ("403.00");
    /// a few fields (`refund_line_items[].subtotal`) are JSON numbers, accepted too.
    mutating func money(_ key: String, currency: Currency, required: Bool = false) -> Int64? {
        let value = object[key] ?? .null
        if value.isNull || value.stringValue?.allSatisfy(\.isWhitespace) == true {
            if required { fail(key, "is required") }
            return nil
        }
        let units: Int64?
        switch value {
        case .string(let text): units = DecimalAmount.minorUnits(text, currency: currency)
        case .int(let whole): units = DecimalAmount.minorUnits(String(whole), currency: currency)
        case .double(let amount): units = DecimalAmount.minorUnits(amount, currency: currency)
        default:
            fail(key, "expected a decimal amount such as \"403.00\", got \(value.typeName)")
            return nil
        }
        guard let units else {
            let shown = value.stringValue.map { "\"\($0.prefix(40))\"" } ?? value.typeName
            fail(key, "expected a decimal amount in \(currency.code) such as \"403.00\", got \(shown)")
            return nil
        }
        guard units >= 0 else {
            fail(key, "expected an amount of zero or more, got \(DecimalAmount.format(units, currency: currency))")
            return nil
        }
        return units
    }

    /// The shop-currency amount of a Shopify money set: `key.shop_money.amount`.
    mutating func shopMoney(_ key: String, currency: Currency) -> Int64? {
        nested(key) { set in
            set.nested("shop_money") { $0.money("amount", currency: currency) }
        }
    }

    /// The sum of `amountKey` over an array of objects (`tax_lines[].price`), nil when the array is absent.
    mutating func moneySum(_ key: String, amountKey: String, currency: Currency) -> Int64? {
        objects(key) { $0.money(amountKey, currency: currency) }?.saturatingSum()
    }

    /// Shopify tags: one comma-separated string ("vip, wholesale"); an array of strings is accepted too.
    mutating func shopifyTags(_ key: String) -> [String]? {
        switch object[key] {
        case .string(let text)?:
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .array?:
            return strings(key)
        case nil, .null?:
            return nil
        case let other?:
            fail(key, "expected a comma-separated string of tags, got \(other.typeName)")
            return nil
        }
    }

    /// Runs `read` on a copy of this reader and drops its errors: for descriptive fields (a phone number, a
    /// country) whose bad value should be left out rather than reject a whole webhook, which Shopify would
    /// retry and finally stop sending.
    func lenient<T>(_ read: (inout FieldReader) -> T?) -> T? {
        var scratch = self
        return read(&scratch)
    }

    /// A trimmed, non-empty string, or nil when absent, not a string or too long.
    func text(_ key: String, maxLength: Int = 1_000) -> String? {
        lenient { $0.string(key, maxLength: maxLength) }
    }

    /// The first string of an array member (`tracking_numbers`).
    func firstText(_ key: String, maxLength: Int = 1_000) -> String? {
        guard let items = object[key]?.arrayValue else { return nil }
        for item in items {
            if let text = item.stringValue?.trimmingCharacters(in: .whitespaces), !text.isEmpty,
                text.count <= maxLength
            {
                return text
            }
        }
        return nil
    }
}

enum ShopifyMoney {
    /// A decimal number for analytics-style event properties (Segment `value`, `price`).
    static func decimal(_ minorUnits: Int64, currency: Currency) -> JSONValue {
        var scale = 1.0
        for _ in 0..<currency.minorDigits { scale *= 10 }
        return .double(Double(minorUnits) / scale)
    }
}
