/// Date literals of the rule language. All times are UTC.
enum SegmentDate {
    static let expectedForms = "\"YYYY-MM-DD\" or \"YYYY-MM-DDTHH:MM:SSZ\""

    /// Epoch seconds for `YYYY-MM-DD`, optionally followed by `T` (or a space) and `HH:MM` or `HH:MM:SS`,
    /// optionally ending in `Z`. Nil for anything else, including impossible dates such as 2023-02-29.
    static func parse(_ text: String) -> Int64? {
        var bytes = Array(text.utf8)
        if bytes.last == UInt8(ascii: "Z") {
            guard bytes.count > 10 else { return nil }
            bytes.removeLast()
        }
        guard bytes.count == 10 || bytes.count == 16 || bytes.count == 19,
            bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        var seconds = epochDays(year: year, month: month, day: day) * 86_400
        guard bytes.count > 10 else { return seconds }
        guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "), bytes[13] == UInt8(ascii: ":"),
            let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), hour < 24, minute < 60
        else { return nil }
        seconds += Int64(hour * 3_600 + minute * 60)
        guard bytes.count == 19 else { return seconds }
        guard bytes[16] == UInt8(ascii: ":"), let second = number(bytes, 17, 2), second < 60 else { return nil }
        return seconds + Int64(second)
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func epochDays(year: Int, month: Int, day: Int) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Int64(era * 146_097 + dayOfEra - 719_468)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func number(_ bytes: [UInt8], _ start: Int, _ length: Int) -> Int? {
        var value = 0
        for byte in bytes[start..<(start + length)] {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
