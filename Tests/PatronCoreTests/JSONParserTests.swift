import Foundation
import Testing

@testable import PatronCore

/// Parses `text` expecting a failure, and returns the error so its offset and reason can be checked.
private func parseFailure(_ text: String) -> JSONParseError? {
    return #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
}

@Suite struct JSONParserNumberTests {
    @Test func sixtyFourBitIntegersStayExact() throws {
        #expect(try JSONParser.parse("5678901234567890123") == .int(5_678_901_234_567_890_123))
        #expect(try JSONParser.parse("9223372036854775807") == .int(Int64.max))
        #expect(try JSONParser.parse("-9223372036854775808") == .int(Int64.min))
        let document = try JSONParser.parse(#"{"id": 5678901234567890123, "ids": [9223372036854775807]}"#)
        #expect(document["id"] == .int(5_678_901_234_567_890_123))
        #expect(document["ids"]?.arrayValue == [.int(Int64.max)])
    }

    @Test func integerBeyondSixtyFourBitsBecomesADouble() throws {
        #expect(try JSONParser.parse("9223372036854775808") == .double(9_223_372_036_854_775_808.0))
    }

    @Test func zeroAndNegativeZeroAreIntegers() throws {
        #expect(try JSONParser.parse("0") == .int(0))
        #expect(try JSONParser.parse("-0") == .int(0))
        #expect(try JSONParser.parse("-17") == .int(-17))
    }

    @Test func fractionsAndExponentsAreDoubles() throws {
        #expect(try JSONParser.parse("1.5") == .double(1.5))
        #expect(try JSONParser.parse("-0.25e2") == .double(-25))
        #expect(try JSONParser.parse("1E3") == .double(1000))
        #expect(try JSONParser.parse("2e-2") == .double(0.02))
        #expect(try JSONParser.parse("10.0") == .double(10))
    }

    @Test func malformedNumbersReportTheirOffset() throws {
        let leadingZero = try #require(parseFailure("01"))
        #expect(leadingZero.offset == 1)
        let bareDot = try #require(parseFailure("1."))
        #expect(bareDot.offset == 2)
        let bareMinus = try #require(parseFailure("-"))
        #expect(bareMinus.offset == 1)
        let emptyExponent = try #require(parseFailure("[1e]"))
        #expect(emptyExponent.offset == 3)
    }

    @Test func numbersTooLargeForADoubleAreRejected() throws {
        let failure = try #require(parseFailure("1e999"))
        #expect(failure.reason.contains("out of range"))
    }
}

@Suite struct JSONParserStringTests {
    @Test func simpleEscapesAreDecoded() throws {
        let value = try JSONParser.parse(#""a\"b\\c\/d\be\ff\ng\rh\ti""#)
        #expect(value == .string("a\"b\\c/d\u{08}e\u{0C}f\ng\rh\ti"))
    }

    @Test func unicodeEscapesAreDecoded() throws {
        #expect(try JSONParser.parse(#""caf\u00e9""#) == .string("café"))
        #expect(try JSONParser.parse(#""\u20AC 5""#) == .string("€ 5"))
        #expect(try JSONParser.parse(#""\u0000""#) == .string("\u{0}"))
    }

    @Test func surrogatePairsBecomeOneScalar() throws {
        let value = try JSONParser.parse(#""smile \uD83D\uDE00!""#)
        #expect(value == .string("smile 😀!"))
        #expect(value.stringValue?.unicodeScalars.count == 8)
    }

    @Test func rawMultibyteTextPassesThrough() throws {
        #expect(try JSONParser.parse("\"Zoë 日本 😀\"") == .string("Zoë 日本 😀"))
    }

    @Test func unpairedSurrogatesAreRejected() throws {
        let lonelyHigh = try #require(parseFailure(#""\uD83D""#))
        #expect(lonelyHigh.reason.contains("surrogate"))
        let lonelyLow = try #require(parseFailure(#""\uDE00""#))
        #expect(lonelyLow.reason.contains("surrogate"))
        let highThenLetter = try #require(parseFailure(#""\uD83D\u0041""#))
        #expect(highThenLetter.reason.contains("surrogate"))
    }

    @Test func badEscapesAreRejected() throws {
        #expect(parseFailure(#""\x""#) != nil)
        #expect(parseFailure(#""\u12G4""#) != nil)
        #expect(parseFailure(#""\u12""#) != nil)
    }

    @Test func unterminatedStringReportsTheEndOfInput() throws {
        let plain = try #require(parseFailure(#""abc"#))
        #expect(plain.offset == 4)
        #expect(plain.reason.contains("unterminated"))
        let escaped = try #require(parseFailure(#""a\nb"#))
        #expect(escaped.offset == 5)
        #expect(escaped.reason.contains("unterminated"))
    }

    @Test func controlCharactersInStringsReportTheirOffset() throws {
        let control = try #require(parseFailure("\"a\u{01}b\""))
        #expect(control.offset == 2)
        #expect(control.reason.contains("control character"))
        let newline = try #require(parseFailure("[\"ok\", \"x\ny\"]"))
        #expect(newline.offset == 9)
        let afterEscape = try #require(parseFailure("\"a\\n\tb\""))
        #expect(afterEscape.offset == 4)
    }
}

@Suite struct JSONParserStructureTests {
    @Test func parsesNestedDocumentsWithWhitespace() throws {
        let value = try JSONParser.parse(" {\n\t\"a\" : [ 1 , true , null , \"x\" ] , \"b\" : { } , \"c\" : [ ] }\r\n")
        let expected: JSONValue = ["a": [1, true, nil, "x"], "b": [:], "c": []]
        #expect(value == expected)
    }

    @Test func literals() throws {
        #expect(try JSONParser.parse("true") == .bool(true))
        #expect(try JSONParser.parse("false") == .bool(false))
        #expect(try JSONParser.parse("null") == .null)
        #expect(parseFailure("nul") != nil)
        let misspelt = try #require(parseFailure("[nulL]"))
        #expect(misspelt.offset == 1)
    }

    @Test func duplicateKeysKeepTheLastValue() throws {
        #expect(try JSONParser.parse(#"{"a": 1, "a": 2}"#) == ["a": 2])
    }

    @Test func trailingCommaInArrayReportsTheClosingBracket() throws {
        let failure = try #require(parseFailure("[1,2,]"))
        #expect(failure.offset == 5)
    }

    @Test func trailingCommaInObjectReportsTheClosingBrace() throws {
        let failure = try #require(parseFailure(#"{"a":1,}"#))
        #expect(failure.offset == 7)
        #expect(failure.reason.contains("member name"))
    }

    @Test func missingSeparatorsReportTheirOffset() throws {
        let missingColon = try #require(parseFailure(#"{"a" 1}"#))
        #expect(missingColon.offset == 5)
        let missingComma = try #require(parseFailure("[1 2]"))
        #expect(missingComma.offset == 3)
        let unclosedObject = try #require(parseFailure(#"{"a":1"#))
        #expect(unclosedObject.offset == 6)
        let unclosedArray = try #require(parseFailure("[1,"))
        #expect(unclosedArray.offset == 3)
    }

    @Test func emptyInputAndTrailingContentAreErrors() throws {
        let empty = try #require(parseFailure(""))
        #expect(empty.offset == 0)
        let blank = try #require(parseFailure("   "))
        #expect(blank.offset == 3)
        let trailing = try #require(parseFailure("{} {}"))
        #expect(trailing.offset == 3)
        #expect(trailing.reason.contains("after the JSON value"))
    }

    @Test func sixtyFourLevelsOfNestingAreAccepted() throws {
        let text = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        var value = try JSONParser.parse(text)
        var depth = 0
        while let items = value.arrayValue {
            depth += 1
            guard let first = items.first else { break }
            value = first
        }
        #expect(depth == 64)
    }

    @Test func nestingDeeperThanSixtyFourIsRejectedAtTheOffendingByte() throws {
        let arrays = try #require(parseFailure(String(repeating: "[", count: 65) + String(repeating: "]", count: 65)))
        #expect(arrays.offset == 64)
        #expect(arrays.reason.contains("nesting"))
        let deepObject = String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65)
        let objects = try #require(parseFailure(deepObject))
        #expect(objects.offset == 64 * 5)
    }

    @Test func errorDescriptionNamesTheByteOffset() throws {
        let failure = try #require(parseFailure("[1,2,]"))
        #expect(failure.description.hasPrefix("invalid JSON at byte 5: "))
    }

    @Test func parsesFromBytes() throws {
        #expect(try JSONParser.parse(bytes: Array(#"{"n":[1,2]}"#.utf8)) == ["n": [1, 2]])
    }
}

@Suite struct JSONValueTests {
    @Test func accessorsReturnNilForOtherTypes() {
        let value: JSONValue = ["s": "text", "a": [1], "o": ["k": nil]]
        #expect(value["s"]?.stringValue == "text")
        #expect(value["a"]?.arrayValue == [1])
        #expect(value["o"]?.objectValue == ["k": .null])
        #expect(value["o"]?["k"]?.isNull == true)
        #expect(value["missing"] == nil)
        #expect(value["s"]?.arrayValue == nil)
        #expect(JSONValue.int(1)["key"] == nil)
    }

    @Test func typeNames() {
        #expect(JSONValue.null.typeName == "null")
        #expect(JSONValue.bool(true).typeName == "boolean")
        #expect(JSONValue.int(1).typeName == "number")
        #expect(JSONValue.double(1.5).typeName == "number")
        #expect(JSONValue.string("").typeName == "string")
        #expect(JSONValue.array([]).typeName == "array")
        #expect(JSONValue.object([:]).typeName == "object")
    }

    @Test func identifierTextKeepsNumericIdsExact() {
        #expect(JSONValue.int(5_678_901_234_567_890_123).identifierText == "5678901234567890123")
        #expect(JSONValue.string("gid://shopify/Order/1").identifierText == "gid://shopify/Order/1")
        #expect(JSONValue.double(12).identifierText == "12")
        #expect(JSONValue.double(1.5).identifierText == nil)
        #expect(JSONValue.string("").identifierText == nil)
        #expect(JSONValue.bool(true).identifierText == nil)
        #expect(JSONValue.null.identifierText == nil)
    }

    @Test func compactObjectLeavesOutNilMembers() {
        let value = JSONValue.compactObject(["a": .int(1), "b": nil])
        #expect(value == ["a": 1])
    }
}

@Suite struct JSONSerializerTests {
    @Test func objectKeysAreSortedAndOutputIsCompact() {
        let value: JSONValue = ["zeta": 1, "alpha": [true, nil, "x"], "mid": ["b": 2, "a": 1]]
        #expect(value.serialized() == #"{"alpha":[true,null,"x"],"mid":{"a":1,"b":2},"zeta":1}"#)
    }

    @Test func equalValuesSerialiseToEqualBytes() {
        var first: [String: JSONValue] = [:]
        for key in ["c", "a", "b", "d"] { first[key] = .string(key) }
        var second: [String: JSONValue] = [:]
        for key in ["d", "b", "a", "c"] { second[key] = .string(key) }
        #expect(JSONValue.object(first).serialized() == JSONValue.object(second).serialized())
        #expect(JSONValue.object(first).serializedBytes() == Array(JSONValue.object(second).serialized().utf8))
    }

    @Test func stringsAreEscaped() {
        let value = JSONValue.string("q\"b\\n\nr\rt\t\u{01}\u{1F}/é😀")
        #expect(value.serialized() == #""q\"b\\n\nr\rt\t\u0001\u001f/é😀""#)
    }

    @Test func numbersKeepTheirExactValue() {
        #expect(JSONValue.int(Int64.max).serialized() == "9223372036854775807")
        #expect(JSONValue.int(Int64.min).serialized() == "-9223372036854775808")
        #expect(JSONValue.double(2).serialized() == "2")
        #expect(JSONValue.double(-2.5).serialized() == "-2.5")
        #expect(JSONValue.double(.infinity).serialized() == "null")
        #expect(JSONValue.double(.nan).serialized() == "null")
    }

    @Test(arguments: [
        #"{"id":5678901234567890123,"max":9223372036854775807,"min":-9223372036854775808}"#,
        #"{"text":"line\nbreak \"quoted\" back\\slash tab\t é 😀 \u0001","empty":"","nested":{"a":[[],{}]}}"#,
        #"[0.1,2.5,-1e-7,1e+20,123456.789,true,false,null]"#,
        #"{"unicode":"\u00e9\uD83D\uDE00","slash":"a\/b"}"#,
    ])
    func parseSerialiseParseRoundTrips(text: String) throws {
        let value = try JSONParser.parse(text)
        let serialized = value.serialized()
        let reparsed = try JSONParser.parse(serialized)
        #expect(reparsed == value)
        #expect(reparsed.serialized() == serialized)
    }
}
