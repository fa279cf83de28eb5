import Foundation
import PatronCore

/// Plain epoch-second arithmetic for the generator's hot loops (no Calendar, no formatters).
enum DemoTime {
    static let minute = 60
    static let hour = 3_600
    static let day = 86_400

    static func date(_ seconds: Int) -> Date { Date(timeIntervalSince1970: Double(seconds)) }

    static func seconds(_ date: Date) -> Int { Int(date.timeIntervalSince1970.rounded(.down)) }

    /// Calendar month (1...12, UTC) of an epoch second.
    static func month(_ seconds: Int) -> Int { civil(seconds).month }

    static func civil(_ seconds: Int) -> (year: Int, month: Int, day: Int) {
        Timestamp.civilFromDays(floorDiv(seconds, day))
    }

    static func floorDiv(_ value: Int, _ divisor: Int) -> Int {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }

    /// Relative shop traffic by month: a November/December gift peak, a May bump, a quiet late winter.
    static let monthWeight: [Double] = [0, 0.78, 0.72, 0.84, 0.86, 0.98, 0.86, 0.80, 0.84, 0.90, 1.00, 1.65, 1.90]
    static let peakMonthWeight = 1.90

    static func seasonality(_ seconds: Int) -> Double { monthWeight[month(seconds)] }
}

/// Small text helpers that avoid `String(format:)` in loops.
enum DemoText {
    static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        guard digits.count < width else { return digits }
        return String(repeating: "0", count: width - digits.count) + digits
    }

    /// Lower-case ASCII letters only, with common Latin diacritics folded ("José" -> "jose").
    static func asciiFold(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.lowercased().unicodeScalars {
            let value = scalar.value
            if (97...122).contains(value) {
                result.unicodeScalars.append(scalar)
            } else if let folded = folds[scalar] {
                result += folded
            }
        }
        return result
    }

    /// "Walnut Serving Board" -> "walnut-serving-board".
    static func slug(_ text: String) -> String {
        var result = ""
        var pendingDash = false
        for character in text.lowercased() {
            let folded = character.isASCII ? String(character) : asciiFold(String(character))
            for scalar in folded.unicodeScalars {
                if (97...122).contains(scalar.value) || (48...57).contains(scalar.value) {
                    if pendingDash, !result.isEmpty { result.append("-") }
                    pendingDash = false
                    result.unicodeScalars.append(scalar)
                } else {
                    pendingDash = true
                }
            }
        }
        return result
    }

    private static let folds: [Unicode.Scalar: String] = {
        let table: [(String, String)] = [
            ("áàâäãåāą", "a"), ("éèêëēę", "e"), ("íìîïī", "i"), ("óòôöõøō", "o"), ("úùûüū", "u"), ("çć", "c"),
            ("ñń", "n"), ("ß", "ss"), ("æ", "ae"), ("œ", "oe"), ("ł", "l"), ("śš", "s"), ("żźž", "z"), ("ý", "y"),
            ("ğ", "g"), ("ı", "i"), ("ș", "s"), ("ț", "t"), ("č", "c"), ("ř", "r"), ("đ", "d"),
        ]
        var map: [Unicode.Scalar: String] = [:]
        for (letters, replacement) in table {
            for scalar in letters.unicodeScalars { map[scalar] = replacement }
        }
        return map
    }()
}
