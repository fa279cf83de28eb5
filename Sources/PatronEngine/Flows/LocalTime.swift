import Foundation

/// Times of day in a customer's own time zone.
enum LocalTime {
    /// The next moment strictly after `after` (epoch ms) when the clock in `zone` shows `hour`:00.
    static func next(hour: Int, after: Int64, in zone: TimeZone) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let start = Date(timeIntervalSince1970: Double(after) / 1_000)
        let match = calendar.nextDate(
            after: start, matching: DateComponents(hour: hour, minute: 0, second: 0), matchingPolicy: .nextTime)
        return match.map { Int64($0.timeIntervalSince1970 * 1_000) } ?? after + 86_400_000
    }

    /// Hour of the week (0 = Monday 00:00 to 167 = Sunday 23:00) of `time` in `zone`.
    static func hourOfWeek(_ time: Int64, in zone: TimeZone) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date = Date(timeIntervalSince1970: Double(time) / 1_000)
        let weekday = calendar.component(.weekday, from: date)  // 1 = Sunday
        return ((weekday + 5) % 7) * 24 + calendar.component(.hour, from: date)
    }
}
