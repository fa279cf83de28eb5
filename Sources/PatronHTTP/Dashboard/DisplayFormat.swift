import Foundation
import PatronCore
import PatronEngine

/// How the dashboard writes numbers, money, shares and dates.
enum DisplayFormat {
    static func number(_ value: Int64) -> String {
        (value < 0 ? "-" : "") + MoneyText.grouped(value.magnitude)
    }

    static func number(_ value: Int) -> String { number(Int64(value)) }

    /// An amount in major units (as the analytics summary keeps it): whole units from 1,000 up.
    static func money(_ major: Double, currency: String?) -> String {
        let code = Currency(code: currency ?? "USD") ?? Currency(code: "USD")!
        var scale = 1.0
        for _ in 0..<code.minorDigits { scale *= 10 }
        guard major.isFinite else { return "–" }
        if abs(major) >= 1_000 {
            let whole = MoneyText.format(Int64(major.rounded()) * Int64(scale), currency: code)
            return code.minorDigits > 0 ? String(whole.dropLast(code.minorDigits + 1)) : whole
        }
        return MoneyText.format(Int64((major * scale).rounded()), currency: code)
    }

    static func minor(_ minor: Int64, currency: String?) -> String {
        MoneyText.format(minor, currency: Currency(code: currency ?? "USD") ?? Currency(code: "USD")!)
    }

    static func percent(_ share: Double?, digits: Int = 1) -> String {
        guard let share, share.isFinite else { return "–" }
        return String(format: "%.\(digits)f%%", share * 100)
    }

    static func decimal(_ value: Double?, digits: Int = 2) -> String {
        guard let value, value.isFinite else { return "–" }
        return String(format: "%.\(digits)f", value)
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func date(milliseconds: Int64?) -> String {
        guard let milliseconds else { return "–" }
        let parts = Calendar.utc.dateComponents([.year, .month, .day], from: Timestamp.date(milliseconds: milliseconds))
        return "\(parts.day ?? 1) \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 1970)"
    }

    static func dateTime(milliseconds: Int64?) -> String {
        guard let milliseconds else { return "–" }
        let parts = Calendar.utc.dateComponents(
            [.year, .month, .day, .hour, .minute], from: Timestamp.date(milliseconds: milliseconds))
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return
            "\(parts.day ?? 1) \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 1970), \(two(parts.hour)):\(two(parts.minute)) UTC"
    }

    /// An RFC 3339 time from the API documents ("2026-11-23T06:04:00.684Z") as a dashboard date.
    static func dateTime(rfc3339: String?) -> String {
        guard let rfc3339, let date = Timestamp.parse(rfc3339) else { return "–" }
        return dateTime(milliseconds: Timestamp.milliseconds(date))
    }

    /// "+3.3%" and whether it went up, down or stayed flat, or nil without a comparable previous value.
    static func change(_ current: Double?, _ previous: Double?) -> (text: String, direction: String)? {
        guard let current, let previous, current.isFinite, previous.isFinite, previous != 0 else { return nil }
        let change = (current - previous) / abs(previous)
        let direction = abs(change) < 0.005 ? "flat" : change > 0 ? "up" : "down"
        return (String(format: "%@%.1f%%", change >= 0 ? "+" : "−", abs(change) * 100), direction)
    }
}

extension Calendar {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
