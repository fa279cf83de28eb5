import PatronCore

/// Calendar arithmetic on UTC day numbers for analytics hot loops (no Foundation calendars, which are
/// slow and need a time zone).
public enum CivilCalendar {
    /// (year, month 1...12, day 1...31) of the UTC day `days` since 1970-01-01.
    public static func date(fromDay days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let date = Timestamp.civilFromDays(Int(days))
        return (Int64(date.year), Int64(date.month), Int64(date.day))
    }

    /// Day number of a civil date (inverse of ``date(fromDay:)``).
    public static func day(year: Int64, month: Int64, day: Int64) -> Int64 {
        Int64(Timestamp.daysFromCivil(year: Int(year), month: Int(month), day: Int(day)))
    }

    /// Months since January 1970 of an epoch-seconds instant, for cohort arithmetic.
    public static func monthIndex(epochSeconds: Int64) -> Int64 {
        let date = date(fromDay: PurchaseSummary.day(epochSeconds))
        return (date.year - 1970) * 12 + date.month - 1
    }

    /// "yyyy-MM" for a month index.
    public static func monthLabel(_ monthIndex: Int64) -> String {
        let year = 1970 + (monthIndex >= 0 ? monthIndex / 12 : (monthIndex - 11) / 12)
        let month = monthIndex - (year - 1970) * 12 + 1
        return "\(year)-\(month < 10 ? "0" : "")\(month)"
    }

    /// "yyyy-MM-dd" for a day number.
    public static func dayLabel(_ day: Int64) -> String {
        let date = date(fromDay: day)
        return "\(date.year)-\(date.month < 10 ? "0" : "")\(date.month)-\(date.day < 10 ? "0" : "")\(date.day)"
    }

    /// The day number of "yyyy-MM-dd", or nil when it is not a valid date.
    public static func parseDay(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, let seconds = ISODateParser.epochSeconds(bytes[...]) else { return nil }
        return PurchaseSummary.day(seconds)
    }
}

/// Month indexes of a range of UTC days, computed once, for loops over millions of orders.
struct MonthTable {
    private let firstDay: Int64
    private let months: [Int32]

    init(fromDay: Int64, toDay: Int64) {
        firstDay = fromDay
        months =
            toDay >= fromDay
            ? (fromDay...toDay).map { day in
                let date = CivilCalendar.date(fromDay: day)
                return Int32((date.year - 1970) * 12 + date.month - 1)
            } : []
    }

    func month(epochSeconds: Int64) -> Int64 {
        let offset = PurchaseSummary.day(epochSeconds) - firstDay
        guard offset >= 0, offset < months.count else { return CivilCalendar.monthIndex(epochSeconds: epochSeconds) }
        return Int64(months[Int(offset)])
    }
}
