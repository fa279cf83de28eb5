import Foundation
import Testing

@testable import PatronCore

/// The expected instant, computed independently of `Timestamp` with Foundation's Gregorian calendar in UTC.
private func utc(
    _ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0
) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    return calendar.date(from: components)!
}

@Suite struct TimestampParseTests {
    @Test func knownEpochsAnchorTheCalendarHelper() {
        #expect(utc(2024, 5, 1, 12, 30).timeIntervalSince1970 == 1_714_566_600)
        #expect(utc(1970, 1, 1).timeIntervalSince1970 == 0)
    }

    @Test func parsesUTCWithZ() throws {
        let date = try #require(Timestamp.parse("2024-05-01T12:30:00Z"))
        #expect(date.timeIntervalSince1970 == 1_714_566_600)
        #expect(Timestamp.parse("2024-05-01t12:30:00z") == date)
    }

    @Test(arguments: [
        "2024-05-01T14:30:00+02:00",
        "2024-05-01T14:30:00+0200",
        "2024-05-01T14:30:00+02",
        "2024-05-01T07:00:00-0530",
        "2024-05-01T07:00:00-05:30",
        "2024-05-01T12:30:00+00:00",
        "2024-05-01T12:30:00-00:00",
        "2024-05-02T02:30:00+14:00",
    ])
    func offsetsAreAppliedToReachUTC(text: String) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(date == utc(2024, 5, 1, 12, 30))
    }

    @Test func offsetCanMoveTheInstantAcrossAYearBoundary() throws {
        let date = try #require(Timestamp.parse("2024-01-01T01:00:00+02:00"))
        #expect(date == utc(2023, 12, 31, 23, 0))
    }

    @Test func spaceSeparatorAndMissingZoneAreUTC() throws {
        #expect(Timestamp.parse("2024-05-01 12:30:00Z") == utc(2024, 5, 1, 12, 30))
        #expect(Timestamp.parse("2024-05-01 12:30:00") == utc(2024, 5, 1, 12, 30))
        #expect(Timestamp.parse("2024-05-01T12:30Z") == utc(2024, 5, 1, 12, 30))
    }

    @Test func fractionalSecondsAreKeptToTheMillisecond() throws {
        let date = try #require(Timestamp.parse("2024-05-01T12:30:00.250Z"))
        #expect(Timestamp.milliseconds(date) == 1_714_566_600_250)
        let comma = try #require(Timestamp.parse("2024-05-01T12:30:00,5+01:00"))
        #expect(Timestamp.milliseconds(comma) == 1_714_563_000_500)
        let micro = try #require(Timestamp.parse("2024-05-01T12:30:00.123456Z"))
        #expect(Timestamp.milliseconds(micro) == 1_714_566_600_123)
    }

    @Test func bareDateIsMidnightUTC() throws {
        let date = try #require(Timestamp.parse("2024-05-01"))
        #expect(date == utc(2024, 5, 1))
        #expect(date.timeIntervalSince1970 == 1_714_521_600)
    }

    @Test func leapDayExistsOnlyInLeapYears() {
        #expect(Timestamp.parse("2023-02-29") == nil)
        #expect(Timestamp.parse("2023-02-29T10:00:00Z") == nil)
        #expect(Timestamp.parse("2024-02-29") == utc(2024, 2, 29))
        #expect(Timestamp.parse("2000-02-29T00:00:00Z") == utc(2000, 2, 29))
        #expect(Timestamp.parse("1900-02-29") == nil)
    }

    @Test(arguments: [
        "", "garbage", "2024", "2024-05", "2024-5-01", "2024-13-01", "2024-00-10", "2024-04-31", "2024-05-00",
        "2024-05-01T24:00:00Z", "2024-05-01T12:60:00Z", "2024-05-01T12:30:61Z", "2024-05-01T12:30:00.Z",
        "2024-05-01T12:30:00+15:00", "2024-05-01T12:30:00+02:60", "2024-05-01T12:30:00Zjunk",
        "2024-05-01T12:30:00 +02:00", "2024-05-01X12:30:00Z", "2024-05-01T1:30:00Z",
    ])
    func invalidTextIsRejected(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func leapSecondIsClampedToTheLastSecondOfTheMinute() throws {
        let date = try #require(Timestamp.parse("2016-12-31T23:59:60Z"))
        #expect(date == utc(2016, 12, 31, 23, 59, 59))
    }

    @Test func datesBeforeTheEpochAreNegative() throws {
        #expect(Timestamp.parse("1969-12-31T23:59:59Z")?.timeIntervalSince1970 == -1)
        #expect(Timestamp.parse("1900-03-01") == utc(1900, 3, 1))
    }

    @Test(arguments: [(1970, 1, 1), (1999, 12, 31), (2000, 3, 1), (2024, 2, 29), (2100, 3, 1), (1600, 2, 29)])
    func dayCountsMatchFoundation(year: Int, month: Int, day: Int) {
        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        #expect(Double(days) * 86_400 == utc(year, month, day).timeIntervalSince1970)
        let civil = Timestamp.civilFromDays(days)
        #expect(civil.year == year && civil.month == month && civil.day == day)
    }
}

@Suite struct TimestampFormatTests {
    @Test func formatsMillisecondUTC() {
        #expect(Timestamp.format(utc(2024, 5, 1, 12, 30)) == "2024-05-01T12:30:00.000Z")
        #expect(Timestamp.format(Timestamp.date(milliseconds: 1_714_566_600_123)) == "2024-05-01T12:30:00.123Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(utc(2024, 2, 29, 23, 59, 59)) == "2024-02-29T23:59:59.000Z")
    }

    @Test func formatsInstantsBeforeTheEpoch() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
        #expect(Timestamp.format(utc(1969, 7, 20, 20, 17, 40)) == "1969-07-20T20:17:40.000Z")
    }

    @Test(arguments: [
        Int64(0), 1, 999, 1_001, 1_003, 86_399_999, -1, -1_001, 951_782_400_007, 1_714_566_600_123, 4_102_444_800_999,
    ])
    func formatThenParseKeepsEveryMillisecond(milliseconds: Int64) throws {
        let text = Timestamp.format(Timestamp.date(milliseconds: milliseconds))
        let parsed = try #require(Timestamp.parse(text))
        #expect(Timestamp.milliseconds(parsed) == milliseconds, "formatted as \(text)")
    }

    @Test func millisecondsRoundTrip() {
        for milliseconds: Int64 in [0, 1, -1, 1_714_566_600_250, 253_402_300_799_999] {
            #expect(Timestamp.milliseconds(Timestamp.date(milliseconds: milliseconds)) == milliseconds)
        }
    }
}

@Suite struct CalendarDateTests {
    @Test func fullDate() throws {
        let date = try #require(CalendarDate("1990-07-14"))
        #expect(date.year == 1990)
        #expect(date.month == 7)
        #expect(date.day == 14)
        #expect(date.description == "1990-07-14")
    }

    @Test func monthAndDayWithoutAYear() throws {
        let date = try #require(CalendarDate("--07-04"))
        #expect(date.year == nil)
        #expect(date.month == 7)
        #expect(date.day == 4)
        #expect(date.description == "--07-04")
        #expect(CalendarDate("--02-29")?.description == "--02-29")
    }

    @Test func dateTimeTextKeepsTheDate() {
        #expect(CalendarDate("1990-07-14T00:00:00Z") == CalendarDate(year: 1990, month: 7, day: 14))
    }

    @Test(arguments: [
        "", "abc", "1990-02-29", "1990-13-01", "1990-00-10", "1990-04-31", "--13-01", "--02-30", "1850-01-01",
        "2101-01-01", "1990-07-1", "1990-07-145", "07-14", "1990/07/14",
    ])
    func invalidDatesAreRejected(text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test func memberwiseValidation() {
        #expect(CalendarDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2023, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: nil, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 1899, month: 1, day: 1) == nil)
    }
}
