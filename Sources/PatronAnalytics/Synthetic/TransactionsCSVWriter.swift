import Foundation

/// Writes an ``OrderSnapshot`` as a transactions CSV, `customer_id,date,amount`, one order per line in snapshot
/// order, with dates in UTC (`2000-02-29T13:05:09Z` by default) and amounts with two decimals. This is the input
/// format of the usual customer-lifetime-value tooling (for example Python's `lifetimes` after
/// `pandas.read_csv(..., parse_dates=["date"])`) and of Patron's own CSV import.
///
/// Rows are formatted by hand into a large byte buffer and written in chunks: ten million orders take seconds.
public enum TransactionsCSVWriter {
    public enum DateStyle: Sendable {
        /// `2000-02-29T13:05:09Z`: ISO 8601 / RFC 3339 in UTC. pandas reads it as a time-zone-aware UTC datetime.
        case iso8601
        /// `2000-02-29 13:05:09`: the same instant without a zone, which pandas reads as a naive datetime.
        case spaceSeparated
    }

    public enum WriteError: Error, Equatable {
        case nonFiniteAmount(order: Int)
        case dateOutOfRange(order: Int)
        case cannotCreateFile(path: String)
    }

    public static let header = "customer_id,date,amount"

    public static func write(_ snapshot: OrderSnapshot, to url: URL, dateStyle: DateStyle = .iso8601) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw WriteError.cannotCreateFile(path: url.path)
        }
        let handle = try FileHandle(forWritingTo: url)
        do {
            try encode(snapshot, dateStyle: dateStyle) { chunk in
                try handle.write(contentsOf: Data(bytes: chunk.baseAddress!, count: chunk.count))
            }
        } catch {
            try? handle.close()
            throw error
        }
        try handle.close()
    }

    /// The whole CSV in memory, for small snapshots and tests.
    public static func encode(_ snapshot: OrderSnapshot, dateStyle: DateStyle = .iso8601) throws -> [UInt8] {
        var output: [UInt8] = []
        try encode(snapshot, dateStyle: dateStyle, chunkSize: 1 << 16) { chunk in output.append(contentsOf: chunk) }
        return output
    }

    /// Formats the CSV into a buffer of `chunkSize` bytes and hands each full buffer (and the last) to `emit`.
    static func encode(
        _ snapshot: OrderSnapshot, dateStyle: DateStyle, chunkSize: Int = 1 << 22,
        emit: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var buffer = ByteBuffer(capacity: chunkSize)
        defer { buffer.deallocate() }
        buffer.append(header)
        buffer.append(UInt8(ascii: "\n"))
        let separator = dateStyle == .iso8601 ? UInt8(ascii: "T") : UInt8(ascii: " ")
        let zone: UInt8? = dateStyle == .iso8601 ? UInt8(ascii: "Z") : nil
        var key: [UInt8] = []
        for customer in 0..<snapshot.customerCount {
            Self.field(snapshot.customerKeys[customer], into: &key)
            for order in snapshot.orders(of: customer) {
                let amount = snapshot.orderAmounts[order]
                let cents = (amount * 100).rounded()
                guard cents.isFinite, abs(cents) < 9e18 else { throw WriteError.nonFiniteAmount(order: order) }
                let time = snapshot.orderTimes[order]
                // Years 0000...9999 have four digits.
                guard time >= -62_167_219_200, time < 253_402_300_800 else {
                    throw WriteError.dateOutOfRange(order: order)
                }
                let rowSize = key.count + 48
                if buffer.count + rowSize > buffer.capacity {
                    try buffer.flush(emit)
                    if rowSize > buffer.capacity { buffer.grow(to: rowSize) }
                }
                buffer.append(key)
                buffer.append(UInt8(ascii: ","))
                buffer.appendDate(time, separator: separator, zone: zone)
                buffer.append(UInt8(ascii: ","))
                buffer.appendCents(Int64(cents))
                buffer.append(UInt8(ascii: "\n"))
            }
        }
        try buffer.flush(emit)
    }

    /// The date column for one epoch second, as written.
    static func formatDate(_ seconds: Int64, dateStyle: DateStyle = .iso8601) -> String {
        var buffer = ByteBuffer(capacity: 32)
        defer { buffer.deallocate() }
        buffer.appendDate(
            seconds, separator: dateStyle == .iso8601 ? UInt8(ascii: "T") : UInt8(ascii: " "),
            zone: dateStyle == .iso8601 ? UInt8(ascii: "Z") : nil)
        return String(decoding: UnsafeBufferPointer(start: buffer.base, count: buffer.count), as: UTF8.self)
    }

    /// A CSV field: quoted, with quotes doubled, when it holds a comma, quote or line break (RFC 4180).
    private static func field(_ text: String, into bytes: inout [UInt8]) {
        bytes.removeAll(keepingCapacity: true)
        let needsQuotes = text.utf8.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }
        guard needsQuotes else {
            bytes.append(contentsOf: text.utf8)
            return
        }
        bytes.append(34)
        for byte in text.utf8 {
            if byte == 34 { bytes.append(34) }
            bytes.append(byte)
        }
        bytes.append(34)
    }
}

/// A growable byte buffer written through a raw pointer; callers reserve room for a whole row first, so the
/// per-byte appends need no capacity checks.
private struct ByteBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    }

    func deallocate() {
        base.deallocate()
    }

    mutating func grow(to newCapacity: Int) {
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    mutating func flush(_ emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard count > 0 else { return }
        try emit(UnsafeRawBufferPointer(start: base, count: count))
        count = 0
    }

    mutating func append(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { source in
            guard let start = source.baseAddress else { return }
            (base + count).update(from: start, count: source.count)
        }
        count += bytes.count
    }

    mutating func append(_ text: String) {
        append(Array(text.utf8))
    }

    /// `yyyy-MM-dd<separator>HH:mm:ss[zone]` in UTC; the year must be within 0...9999.
    mutating func appendDate(_ seconds: Int64, separator: UInt8, zone: UInt8?) {
        let secondOfDay = ((seconds % 86_400) + 86_400) % 86_400
        let (year, month, day) = CivilCalendar.date(fromDay: (seconds - secondOfDay) / 86_400)
        appendTwoDigits(year / 100)
        appendTwoDigits(year % 100)
        append(UInt8(ascii: "-"))
        appendTwoDigits(month)
        append(UInt8(ascii: "-"))
        appendTwoDigits(day)
        append(separator)
        appendTwoDigits(secondOfDay / 3_600)
        append(UInt8(ascii: ":"))
        appendTwoDigits(secondOfDay / 60 % 60)
        append(UInt8(ascii: ":"))
        appendTwoDigits(secondOfDay % 60)
        if let zone { append(zone) }
    }

    /// An amount in cents as `[-]units.cc`.
    mutating func appendCents(_ cents: Int64) {
        if cents < 0 { append(UInt8(ascii: "-")) }
        let magnitude = cents.magnitude
        var units = magnitude / 100
        var digits = 1
        var scale: UInt64 = 10
        while scale <= units && digits < 19 {
            digits += 1
            scale *= 10
        }
        for position in stride(from: digits - 1, through: 0, by: -1) {
            base[count + position] = UInt8(ascii: "0") + UInt8(units % 10)
            units /= 10
        }
        count += digits
        append(UInt8(ascii: "."))
        appendTwoDigits(Int64(magnitude % 100))
    }

    private mutating func appendTwoDigits(_ value: Int64) {
        base[count] = UInt8(ascii: "0") + UInt8(value / 10)
        base[count + 1] = UInt8(ascii: "0") + UInt8(value % 10)
        count += 2
    }
}
