import PatronCore

/// Segment sends money as decimal numbers of the major unit (`total: 27.5`), sometimes as strings ("19.99").
extension FieldReader {
    /// Reads a decimal amount as minor units of `currency`; `magnitude` accepts a negative sign and drops it
    /// (discounts are often sent as negative numbers).
    mutating func segmentAmount(_ key: String, currency: Currency, magnitude: Bool = false) -> Int64? {
        guard let value = object[key], !value.isNull else { return nil }
        let units: Int64?
        switch value {
        case .int(let whole): units = Self.scaled(whole, currency: currency)
        case .double(let amount): units = DecimalAmount.minorUnits(amount, currency: currency)
        case .string(let text): units = DecimalAmount.minorUnits(text, currency: currency)
        default:
            fail(key, "expected a decimal amount such as 19.99, got \(value.typeName)")
            return nil
        }
        guard let units, units != .min else {
            let shown = value.stringValue.map { "\"\($0.prefix(40))\"" } ?? value.serialized()
            fail(key, "expected a decimal amount in \(currency.code) such as 19.99, got \(shown)")
            return nil
        }
        if units < 0 {
            if magnitude { return -units }
            fail(key, "expected an amount of zero or more, got \(DecimalAmount.format(units, currency: currency))")
            return nil
        }
        return units
    }

    private static func scaled(_ whole: Int64, currency: Currency) -> Int64? {
        var result = whole
        for _ in 0..<currency.minorDigits {
            let (product, overflow) = result.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            result = product
        }
        return result
    }
}
