import PatronCore

/// Amounts as shoppers read them: "$1,234.50", "€12.00", "¥1,200", or "12.00 CHF" for currencies
/// without a well-known symbol.
public enum MoneyText {
    static let symbols: [String: String] = [
        "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "INR": "₹",
        "CNY": "CN¥", "KRW": "₩", "BRL": "R$", "MXN": "MX$",
    ]

    public static func format(_ minorUnits: Int64, currency: Currency) -> String {
        let negative = minorUnits < 0
        let magnitude = minorUnits.magnitude
        var scale: UInt64 = 1
        for _ in 0..<currency.minorDigits { scale *= 10 }
        let whole = grouped(magnitude / scale)
        var number = whole
        if currency.minorDigits > 0 {
            let fraction = String(magnitude % scale)
            number += "." + String(repeating: "0", count: currency.minorDigits - fraction.count) + fraction
        }
        let sign = negative ? "-" : ""
        if let symbol = symbols[currency.code] { return sign + symbol + number }
        return sign + number + " " + currency.code
    }

    public static func grouped(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }
}
