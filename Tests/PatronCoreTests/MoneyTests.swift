import Foundation
import Testing

@testable import PatronCore

@Suite struct CurrencyTests {
    @Test func codesAreCaseInsensitiveAndUppercased() throws {
        let currency = try #require(Currency(code: "usd"))
        #expect(currency.code == "USD")
        #expect(currency == .usd)
        #expect(currency.description == "USD")
    }

    @Test(arguments: [("USD", 2), ("EUR", 2), ("GBP", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3), ("BHD", 3), ("CLF", 4)])
    func minorDigitsFollowISO4217(code: String, digits: Int) throws {
        let currency = try #require(Currency(code: code))
        #expect(currency.minorDigits == digits)
    }

    @Test(arguments: ["", "US", "USDD", "XXX", "ABC", "XAU", "123", "usd "])
    func unknownOrMalformedCodesAreRejected(code: String) {
        #expect(Currency(code: code) == nil)
    }
}

@Suite struct DecimalAmountTests {
    static let usd = Currency.usd
    static let jpy = Currency(code: "JPY")!
    static let kwd = Currency(code: "KWD")!

    @Test(arguments: [
        ("403.00", Int64(40_300)), ("12", 1_200), ("0.5", 50), ("1.000", 100), ("-1.50", -150), ("+2.5", 250),
        (".5", 50), ("5.", 500), (" 12.30 ", 1_230), ("0", 0), ("0.01", 1),
        ("9999999999999.99", 999_999_999_999_999),
    ])
    func dollarStringsBecomeExactCents(text: String, expected: Int64) {
        #expect(DecimalAmount.minorUnits(text, currency: Self.usd) == expected)
    }

    @Test(arguments: [
        "1.005", "abc", "", ".", "-", "1,000.00", "1.2.3", "1e3", "12 34", "--1", "0x10", "1000000000000000.00",
        "10000000000000.01", "١٢",
    ])
    func malformedOrTooPreciseDollarStringsAreRejected(text: String) {
        #expect(DecimalAmount.minorUnits(text, currency: Self.usd) == nil)
    }

    @Test func zeroDigitCurrencyHasNoFraction() {
        #expect(DecimalAmount.minorUnits("1200", currency: Self.jpy) == 1_200)
        #expect(DecimalAmount.minorUnits("1200.00", currency: Self.jpy) == 1_200)
        #expect(DecimalAmount.minorUnits("1200.5", currency: Self.jpy) == nil)
    }

    @Test func threeDigitCurrencyKeepsThousandths() {
        #expect(DecimalAmount.minorUnits("1.234", currency: Self.kwd) == 1_234)
        #expect(DecimalAmount.minorUnits("1.2", currency: Self.kwd) == 1_200)
        #expect(DecimalAmount.minorUnits("1.2340", currency: Self.kwd) == 1_234)
        #expect(DecimalAmount.minorUnits("1.2345", currency: Self.kwd) == nil)
    }

    @Test func floatingAmountsRoundToTheNearestMinorUnit() {
        #expect(DecimalAmount.minorUnits(25.5, currency: Self.usd) == 2_550)
        #expect(DecimalAmount.minorUnits(19.99, currency: Self.usd) == 1_999)
        #expect(DecimalAmount.minorUnits(0.1 + 0.2, currency: Self.usd) == 30)
        #expect(DecimalAmount.minorUnits(-4.5, currency: Self.jpy) == -5)
        #expect(DecimalAmount.minorUnits(1.2345, currency: Self.kwd) == 1_235)
        #expect(DecimalAmount.minorUnits(Double.nan, currency: Self.usd) == nil)
        #expect(DecimalAmount.minorUnits(Double.infinity, currency: Self.usd) == nil)
        #expect(DecimalAmount.minorUnits(1e14, currency: Self.usd) == nil)
    }

    @Test func formatWritesTheCurrencysDigits() {
        #expect(DecimalAmount.format(40_300, currency: Self.usd) == "403.00")
        #expect(DecimalAmount.format(5, currency: Self.usd) == "0.05")
        #expect(DecimalAmount.format(0, currency: Self.usd) == "0.00")
        #expect(DecimalAmount.format(-150, currency: Self.usd) == "-1.50")
        #expect(DecimalAmount.format(-5, currency: Self.usd) == "-0.05")
        #expect(DecimalAmount.format(1_200, currency: Self.jpy) == "1200")
        #expect(DecimalAmount.format(-1_200, currency: Self.jpy) == "-1200")
        #expect(DecimalAmount.format(1_234, currency: Self.kwd) == "1.234")
        #expect(DecimalAmount.format(7, currency: Self.kwd) == "0.007")
        #expect(DecimalAmount.format(Int64.min, currency: Self.usd) == "-92233720368547758.08")
    }

    @Test(arguments: [Int64(0), 1, 99, 100, 40_300, -150, 123_456_789])
    func formatThenParseRoundTrips(minorUnits: Int64) {
        for currency in [Self.usd, Self.jpy, Self.kwd] {
            let text = DecimalAmount.format(minorUnits, currency: currency)
            #expect(DecimalAmount.minorUnits(text, currency: currency) == minorUnits, "\(currency) \(text)")
        }
    }

    @Test func moneyHoldsUnitsAndCurrency() {
        let money = Money(minorUnits: 1_999, currency: .eur)
        #expect(money.minorUnits == 1_999)
        #expect(money.currency.code == "EUR")
        #expect(money == Money(minorUnits: 1_999, currency: Currency(code: "eur")!))
    }
}
