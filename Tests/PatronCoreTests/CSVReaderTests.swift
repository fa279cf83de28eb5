import PatronCore
import Testing

@Suite struct CSVReaderTests {
    func records(_ text: String) -> [CSVRecord] { CSVReader.records(in: text) }

    /// Feeds `bytes` in the given chunk sizes (cycled) and collects the records.
    func records(_ bytes: [UInt8], chunkSizes: [Int]) -> (records: [CSVRecord], problems: [CSVRejection]) {
        var reader = CSVReader()
        var result: [CSVRecord] = []
        var offset = 0
        var turn = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunkSizes[turn % chunkSizes.count])
            reader.feed(Array(bytes[offset..<end])) { result.append(CSVRecord(fields: $0, line: $1)) }
            offset = end
            turn += 1
        }
        reader.finish { result.append(CSVRecord(fields: $0, line: $1)) }
        return (result, reader.problems)
    }

    @Test func quotedFieldsKeepCommasQuotesAndNewlines() {
        let text = "a,\"b,c\",\"say \"\"hi\"\"\"\n1,\"two\nlines\",3\n4,5,6\n"
        #expect(
            records(text) == [
                CSVRecord(fields: ["a", "b,c", "say \"hi\""], line: 1),
                CSVRecord(fields: ["1", "two\nlines", "3"], line: 2),
                CSVRecord(fields: ["4", "5", "6"], line: 4),
            ])
    }

    @Test func byteOrderMarkCRLFAndBlankLines() {
        let text = "\u{FEFF}id,name\r\n1,Ana\r\n\r\n2,\"Bo\r\nB\"\r\n3,C"
        #expect(
            records(text) == [
                CSVRecord(fields: ["id", "name"], line: 1),
                CSVRecord(fields: ["1", "Ana"], line: 2),
                CSVRecord(fields: ["2", "Bo\r\nB"], line: 4),
                CSVRecord(fields: ["3", "C"], line: 6),
            ])
    }

    @Test func emptyFieldsTrailingDelimitersAndEmptyQuotedField() {
        #expect(
            records("a,,\n,\n\"\"\nx") == [
                CSVRecord(fields: ["a", "", ""], line: 1),
                CSVRecord(fields: ["", ""], line: 2),
                CSVRecord(fields: [""], line: 3),
                CSVRecord(fields: ["x"], line: 4),
            ])
        #expect(records("a,b,") == [CSVRecord(fields: ["a", "b", ""], line: 1)])
        #expect(records("").isEmpty)
        #expect(records("\n\n").isEmpty)
    }

    @Test func bareCarriageReturnEndsARecord() {
        #expect(
            records("a\rb\r\nc") == [
                CSVRecord(fields: ["a"], line: 1), CSVRecord(fields: ["b"], line: 2), CSVRecord(fields: ["c"], line: 3),
            ])
    }

    @Test func strayQuotesAreKeptLiterally() {
        #expect(records("ab\"c,\"x\"y,z\n") == [CSVRecord(fields: ["ab\"c", "xy", "z"], line: 1)])
    }

    @Test func unterminatedQuoteIsReported() {
        let (result, problems) = records(Array("h\nok\n\"open,\nstill open".utf8), chunkSizes: [1_000])
        #expect(result.map(\.line) == [1, 2, 3])
        #expect(result.last?.fields == ["open,\nstill open"])
        #expect(problems.map(\.line) == [3])
    }

    @Test func chunkBoundariesAnywhereGiveTheSameRecords() {
        let text = "\u{FEFF}name,note\r\n\"Ana \"\"A\"\"\",\"line one\r\nline, two\"\r\nBo,plain\r\n\r\n\"x\",\"\"\n"
        let bytes = Array(text.utf8)
        let whole = records(bytes, chunkSizes: [bytes.count])
        #expect(whole.records.count == 4)
        #expect(whole.records[1] == CSVRecord(fields: ["Ana \"A\"", "line one\r\nline, two"], line: 2))
        #expect(whole.records[2].line == 4)
        #expect(whole.records[3] == CSVRecord(fields: ["x", ""], line: 6))
        #expect(records(bytes, chunkSizes: [1]) == whole)
        for split in 0...bytes.count {
            #expect(records(bytes, chunkSizes: [max(split, 1), bytes.count]) == whole, "split at \(split)")
        }
        #expect(records(bytes, chunkSizes: [2, 3, 5]) == whole)
    }

    @Test func multiByteCharactersSplitAcrossChunks() {
        let text = "name\n\"Zoë 🎉\"\nÅsa\n"
        let result = records(Array(text.utf8), chunkSizes: [1])
        #expect(result.records.map(\.fields) == [["name"], ["Zoë 🎉"], ["Åsa"]])
    }
}
