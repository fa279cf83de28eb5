import Foundation
import PatronCore

/// The fixed vocabulary of the UCI Online Retail data set: its country names, its non-product stock
/// codes, and its two date layouts.
enum OnlineRetailVocabulary {
    /// Country names as the data set writes them -> ISO 3166-1 alpha-2. "Channel Islands" (Jersey or
    /// Guernsey), "European Community" and "Unspecified" name no single country and map to nil.
    static let countryCodes: [String: String?] = [
        "United Kingdom": "GB", "Germany": "DE", "France": "FR", "EIRE": "IE", "Ireland": "IE", "Spain": "ES",
        "Netherlands": "NL", "Belgium": "BE", "Switzerland": "CH", "Portugal": "PT", "Australia": "AU",
        "Norway": "NO", "Italy": "IT", "Channel Islands": nil, "Finland": "FI", "Cyprus": "CY", "Sweden": "SE",
        "Unspecified": nil, "Austria": "AT", "Denmark": "DK", "Japan": "JP", "Poland": "PL", "Israel": "IL",
        "USA": "US", "United States": "US", "Hong Kong": "HK", "Singapore": "SG", "Iceland": "IS", "Canada": "CA",
        "Greece": "GR", "Malta": "MT", "United Arab Emirates": "AE", "European Community": nil, "RSA": "ZA",
        "South Africa": "ZA", "Lebanon": "LB", "Lithuania": "LT", "Brazil": "BR", "Czech Republic": "CZ",
        "Bahrain": "BH", "Saudi Arabia": "SA",
    ]

    /// Stock codes that are charges, fees or adjustments rather than goods (postage, Dotcom postage,
    /// manual, carriage, discount, samples, bank charges, Amazon fee, CRUK commission, cushion pads at
    /// a token price, bad-debt adjustment). They stay as order lines (they are part of what was paid)
    /// but get no product, so catalogue and recommendation features see only goods. Gift vouchers
    /// (gift_*) and the DCGS* lines are sold goods and do become products.
    static let nonProductCodes: Set<String> = [
        "POST", "DOT", "M", "C2", "D", "S", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS", "B",
    ]

    /// `2010-12-01 08:26:00` (the CSV export) or `12/1/2010 8:26` (the original Excel export), as UTC.
    static func date(_ text: String) -> Date? {
        if text.utf8.count > 4, text.utf8.dropFirst(4).first == UInt8(ascii: "-") { return Timestamp.parse(text) }
        return slashDate(text)
    }

    /// `m/d/yyyy h:mm` with optional `:ss`.
    private static func slashDate(_ text: String) -> Date? {
        let halves = text.split(separator: " ", omittingEmptySubsequences: true)
        guard halves.count == 2 else { return nil }
        let day = halves[0].split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
        let time = halves[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard day.count == 3, let month = day[0], let dayOfMonth = day[1], let year = day[2],
            CalendarDate(year: year, month: month, day: dayOfMonth) != nil, time.count == 2 || time.count == 3,
            let hour = time[0], let minute = time[1], (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        var second = 0
        if time.count == 3 {
            guard let parsed = time[2], (0..<60).contains(parsed) else { return nil }
            second = parsed
        }
        let days = Timestamp.daysFromCivil(year: year, month: month, day: dayOfMonth)
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }

    /// A price such as `2.55` in minor units; the common plain form is read without allocating.
    static func minorUnits(_ text: String, currency: Currency) -> Int64? {
        var units: Int64 = 0
        var fractionDigits = -1
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard fractionDigits < 0 else { return DecimalAmount.minorUnits(text, currency: currency) }
                fractionDigits = 0
            } else if byte >= 48, byte <= 57, units < 100_000_000_000 {
                units = units * 10 + Int64(byte - 48)
                if fractionDigits >= 0 { fractionDigits += 1 }
            } else {
                return DecimalAmount.minorUnits(text, currency: currency)
            }
        }
        guard !text.isEmpty, fractionDigits != 0, fractionDigits <= currency.minorDigits else {
            return DecimalAmount.minorUnits(text, currency: currency)
        }
        for _ in max(fractionDigits, 0)..<currency.minorDigits { units *= 10 }
        return units
    }

    /// `17850.0` or `17850` -> `17850`.
    static func customerId(_ text: String) -> String? {
        guard let number = CSVFieldReader.wholeNumber(text), number >= 0 else { return nil }
        return String(number)
    }
}
