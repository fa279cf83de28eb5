import PatronCore

/// Parses the ISO-8601 forms transaction files use, straight from bytes: `yyyy-MM-dd`, optionally
/// followed by `T` or a space and `HH:mm[:ss[.fraction]]`, optionally followed by `Z` or `±hh[:]mm`.
/// Without an offset the time is taken as UTC. Returns epoch seconds, or nil when malformed.
enum ISODateParser {
    static func epochSeconds(_ bytes: ArraySlice<UInt8>) -> Int64? {
        var cursor = bytes.startIndex
        let end = bytes.endIndex
        func number(_ digits: Int) -> Int64? {
            guard cursor + digits <= end else { return nil }
            var value: Int64 = 0
            for _ in 0..<digits {
                let byte = bytes[cursor]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
                cursor += 1
            }
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard cursor < end && bytes[cursor] == byte else { return false }
            cursor += 1
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2),
            (1...12).contains(month), day >= 1, day <= Timestamp.daysIn(month: Int(month), year: Int(year))
        else { return nil }
        var seconds = CivilCalendar.day(year: year, month: month, day: day) * 86_400
        guard cursor < end else { return seconds }
        guard expect(0x54) || expect(0x20) || expect(0x74) else { return nil }
        guard let hour = number(2), hour < 24, expect(0x3A), let minute = number(2), minute < 60 else { return nil }
        seconds += hour * 3_600 + minute * 60
        if expect(0x3A) {
            guard let second = number(2), second < 61 else { return nil }
            seconds += min(second, 59)
            if expect(0x2E) || expect(0x2C) {
                let fractionStart = cursor
                while cursor < end && bytes[cursor] >= 0x30 && bytes[cursor] <= 0x39 { cursor += 1 }
                guard cursor > fractionStart else { return nil }
            }
        }
        guard cursor < end else { return seconds }
        if expect(0x5A) || expect(0x7A) { return cursor == end ? seconds : nil }
        let sign: Int64
        if expect(0x2B) {
            sign = 1
        } else if expect(0x2D) {
            sign = -1
        } else {
            return nil
        }
        guard let offsetHours = number(2), offsetHours <= 18 else { return nil }
        _ = expect(0x3A)
        guard let offsetMinutes = number(2), offsetMinutes < 60, cursor == end else { return nil }
        return seconds - sign * (offsetHours * 3_600 + offsetMinutes * 60)
    }
}
