/// An ISO 4217 currency with the number of digits in its minor unit.
public struct Currency: Sendable, Hashable, CustomStringConvertible {
    public let code: String
    public let minorDigits: Int

    public init?(code: String) {
        let upper = code.uppercased()
        guard upper.utf8.count == 3, Self.active.contains(upper) else { return nil }
        self.code = upper
        self.minorDigits =
            Self.zeroDigit.contains(upper) ? 0 : Self.threeDigit.contains(upper) ? 3 : Self.fourDigit.contains(upper) ? 4 : 2
    }

    public var description: String { code }

    public static let usd = Currency(code: "USD")!
    public static let eur = Currency(code: "EUR")!
    public static let gbp = Currency(code: "GBP")!

    static let zeroDigit: Set<String> = [
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF",
    ]
    static let threeDigit: Set<String> = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]
    static let fourDigit: Set<String> = ["CLF", "UYW"]

    /// Active ISO 4217 codes (2024 list), excluding funds and precious metals.
    static let active: Set<String> = [
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD",
        "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLF", "CLP", "CNY", "COP", "CRC", "CUP",
        "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD",
        "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES",
        "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA",
        "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD",
        "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG",
        "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY",
        "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XCD",
        "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
    ]
}

/// Money as integer minor units of a currency; never a floating-point amount.
public struct Money: Sendable, Hashable {
    public let minorUnits: Int64
    public let currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }
}

public enum DecimalAmount {
    /// Converts a decimal string ("403.00", "-1.5", "12") to minor units of `currency` exactly.
    /// Returns nil for malformed text or more fractional digits than the currency has (unless they are zeros).
    public static func minorUnits(_ text: String, currency: Currency) -> Int64? {
        var body = Substring(text.trimmingCharactersInWhitespace())
        var negative = false
        if body.first == "-" {
            negative = true
            body = body.dropFirst()
        } else if body.first == "+" {
            body = body.dropFirst()
        }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty || parts.count == 2, whole.allSatisfy(\.isASCIIDigit) else { return nil }
        var fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.allSatisfy(\.isASCIIDigit), !(whole.isEmpty && fraction.isEmpty) else { return nil }
        while fraction.count > currency.minorDigits, fraction.last == "0" { fraction = fraction.dropLast() }
        guard fraction.count <= currency.minorDigits, whole.count <= 15 else { return nil }
        let padded = String(fraction) + String(repeating: "0", count: currency.minorDigits - fraction.count)
        guard let units = Int64((whole.isEmpty ? "0" : String(whole)) + padded), units <= maximumMinorUnits else { return nil }
        return negative ? -units : units
    }

    /// Converts a floating-point amount (Segment's `revenue: 25.5`) to minor units, rounding half away from zero.
    public static func minorUnits(_ amount: Double, currency: Currency) -> Int64? {
        guard amount.isFinite, abs(amount) < 1e13 else { return nil }
        var scale = 1.0
        for _ in 0..<currency.minorDigits { scale *= 10 }
        return Int64((amount * scale).rounded(.toNearestOrAwayFromZero))
    }

    /// Formats minor units as a decimal string ("403.00").
    public static func format(_ minorUnits: Int64, currency: Currency) -> String {
        guard currency.minorDigits > 0 else { return String(minorUnits) }
        var scale: Int64 = 1
        for _ in 0..<currency.minorDigits { scale *= 10 }
        let magnitude = minorUnits.magnitude
        let fraction = String(magnitude % UInt64(scale))
        let padded = String(repeating: "0", count: currency.minorDigits - fraction.count) + fraction
        return (minorUnits < 0 ? "-" : "") + String(magnitude / UInt64(scale)) + "." + padded
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    func trimmingCharactersInWhitespace() -> Substring {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice = slice.dropFirst() }
        while slice.last?.isWhitespace == true { slice = slice.dropLast() }
        return slice
    }
}
