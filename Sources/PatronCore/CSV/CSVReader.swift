import Foundation

/// One record of a CSV file with the 1-based physical line on which it starts.
public struct CSVRecord: Sendable, Hashable {
    public var fields: [String]
    public var line: Int

    public init(fields: [String], line: Int) {
        self.fields = fields
        self.line = line
    }
}

/// An incremental RFC 4180 reader over UTF-8 bytes: quoted fields, doubled quotes, delimiters and
/// line breaks inside quotes, CRLF or LF (or bare CR) record ends, and an optional UTF-8 byte order mark.
///
/// Feed it chunks of any size (a chunk may end anywhere, even inside a quoted field or between CR and
/// LF), then call `finish`. Each record is handed to `emit` with the line where it starts. Blank lines are
/// skipped. Being lenient where real exports are sloppy, a quote inside an unquoted field and text after a
/// closing quote are kept literally; a quoted field still open at the end of input is reported in
/// `problems`. Invalid UTF-8 becomes U+FFFD. If `emit` throws, the reader must not be used again.
public struct CSVReader: Sendable {
    private enum State: Sendable {
        case startOfField
        case unquoted
        case quoted
        /// Just read a quote inside a quoted field: a doubled quote or the end of the field follows.
        case quoteInQuoted
        /// Just ended a record on CR; an LF right after it belongs to the same line break.
        case afterCR
    }

    public let delimiter: UInt8
    /// Malformed input found so far (an unterminated quoted field), with the line where it starts.
    public private(set) var problems: [CSVRejection] = []

    private var state = State.startOfField
    private var field: [UInt8] = []
    private var record: [String] = []
    private var line = 1
    private var recordLine = 1
    private var quotedFieldLine = 1
    private var bomResolved = false
    private var bomPrefix: [UInt8] = []

    private static let quote = UInt8(ascii: "\"")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    public init(delimiter: UInt8 = UInt8(ascii: ",")) {
        self.delimiter = delimiter
        field.reserveCapacity(256)
        record.reserveCapacity(32)
    }

    /// Reads every record of a complete text (tests, small uploads).
    public static func records(in text: String, delimiter: UInt8 = UInt8(ascii: ",")) -> [CSVRecord] {
        var reader = CSVReader(delimiter: delimiter)
        var records: [CSVRecord] = []
        reader.feed(Array(text.utf8)) { records.append(CSVRecord(fields: $0, line: $1)) }
        reader.finish { records.append(CSVRecord(fields: $0, line: $1)) }
        return records
    }

    public mutating func feed(_ chunk: [UInt8], _ emit: (_ fields: [String], _ line: Int) throws -> Void) rethrows {
        try chunk.withUnsafeBufferPointer { try feed($0, emit) }
    }

    public mutating func feed(
        _ chunk: UnsafeRawBufferPointer, _ emit: (_ fields: [String], _ line: Int) throws -> Void
    ) rethrows {
        try feed(chunk.assumingMemoryBound(to: UInt8.self), emit)
    }

    public mutating func feed(
        _ chunk: UnsafeBufferPointer<UInt8>, _ emit: (_ fields: [String], _ line: Int) throws -> Void
    ) rethrows {
        var start = 0
        if !bomResolved {
            // The mark may arrive split over several chunks, so its bytes are held back until decided.
            while bomPrefix.count < 3, start < chunk.count, chunk[start] == Self.byteOrderMark[bomPrefix.count] {
                bomPrefix.append(chunk[start])
                start += 1
            }
            if bomPrefix.count == 3 {
                bomResolved = true
                bomPrefix = []
            } else if start < chunk.count {
                bomResolved = true
                let held = bomPrefix
                bomPrefix = []
                try held.withUnsafeBufferPointer { try process($0, from: 0, emit) }
            } else {
                return
            }
        }
        try process(chunk, from: start, emit)
    }

    /// Ends the input: emits the last record if it has no line break after it.
    public mutating func finish(_ emit: (_ fields: [String], _ line: Int) throws -> Void) rethrows {
        if !bomResolved {
            bomResolved = true
            let held = bomPrefix
            bomPrefix = []
            try held.withUnsafeBufferPointer { try process($0, from: 0, emit) }
        }
        switch state {
        case .quoted:
            problems.append(
                CSVRejection(line: quotedFieldLine, reason: "a quoted field is not closed before the end of the file"))
            try endRecord(emit)
        case .unquoted, .quoteInQuoted:
            try endRecord(emit)
        case .startOfField:
            if !record.isEmpty { try endRecord(emit) }
        case .afterCR:
            break
        }
        state = .startOfField
    }

    private mutating func endField() {
        record.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
    }

    private mutating func endRecord(_ emit: ([String], Int) throws -> Void) rethrows {
        endField()
        try emit(record, recordLine)
        record.removeAll(keepingCapacity: true)
    }

    /// Handles a delimiter or line break that ends a field outside quotes.
    private mutating func terminate(_ byte: UInt8, _ emit: ([String], Int) throws -> Void) rethrows {
        if byte == delimiter {
            endField()
            state = .startOfField
            return
        }
        try endRecord(emit)
        line += 1
        recordLine = line
        state = byte == Self.carriageReturn ? .afterCR : .startOfField
    }

    private mutating func process(
        _ buffer: UnsafeBufferPointer<UInt8>, from start: Int, _ emit: ([String], Int) throws -> Void
    ) rethrows {
        let count = buffer.count
        let delimiter = self.delimiter
        var index = start
        while index < count {
            switch state {
            case .afterCR:
                state = .startOfField
                if buffer[index] == Self.lineFeed { index += 1 }
            case .startOfField:
                let byte = buffer[index]
                if byte == Self.quote {
                    state = .quoted
                    quotedFieldLine = line
                    index += 1
                } else if byte == Self.lineFeed || byte == Self.carriageReturn, record.isEmpty {
                    // A blank line: no record, but it still counts as a line.
                    index += 1
                    line += 1
                    recordLine = line
                    state = byte == Self.carriageReturn ? .afterCR : .startOfField
                } else {
                    state = .unquoted
                }
            case .unquoted:
                let begin = index
                while index < count {
                    let byte = buffer[index]
                    if byte == delimiter || byte == Self.lineFeed || byte == Self.carriageReturn { break }
                    index += 1
                }
                if index > begin { field.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[begin..<index])) }
                if index == count { return }
                let byte = buffer[index]
                index += 1
                try terminate(byte, emit)
            case .quoted:
                let begin = index
                while index < count {
                    let byte = buffer[index]
                    if byte == Self.quote { break }
                    // Line numbers count LF (CRLF counts once); a bare CR inside quotes is not counted.
                    if byte == Self.lineFeed { line += 1 }
                    index += 1
                }
                if index > begin { field.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[begin..<index])) }
                if index == count { return }
                index += 1
                state = .quoteInQuoted
            case .quoteInQuoted:
                let byte = buffer[index]
                index += 1
                if byte == Self.quote {
                    field.append(Self.quote)
                    state = .quoted
                } else if byte == delimiter || byte == Self.lineFeed || byte == Self.carriageReturn {
                    try terminate(byte, emit)
                } else {
                    field.append(byte)
                    state = .unquoted
                }
            }
        }
    }
}
