/// A little-endian byte format for stored models: fixed-width numbers, length-prefixed arrays and
/// UTF-8 strings. Compact and fast for the large flat arrays a model is made of.
struct ModelBytesWriter {
    private(set) var bytes: [UInt8] = []

    mutating func int64(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func int32(_ value: Int32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func double(_ value: Double) { int64(Int64(bitPattern: value.bitPattern)) }
    mutating func float(_ value: Float) { int32(Int32(bitPattern: value.bitPattern)) }

    mutating func int32s(_ values: [Int32]) {
        int64(Int64(values.count))
        bytes.reserveCapacity(bytes.count + values.count * 4)
        for value in values { int32(value) }
    }

    mutating func floats(_ values: [Float]) {
        int64(Int64(values.count))
        for value in values { float(value) }
    }

    mutating func string(_ value: String) {
        let utf8 = Array(value.utf8)
        int64(Int64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    mutating func strings(_ values: [String]) {
        int64(Int64(values.count))
        for value in values { string(value) }
    }

    /// Lists of lists as offsets plus one flat array.
    mutating func nested(_ lists: [[Int32]]) {
        var offsets: [Int32] = [0]
        for list in lists { offsets.append(offsets[offsets.count - 1] + Int32(list.count)) }
        int32s(offsets)
        int32s(lists.flatMap { $0 })
    }
}

/// Reads what ``ModelBytesWriter`` wrote; any truncation or impossible length is an error, never a trap.
struct ModelBytesReader {
    struct Malformed: Error, CustomStringConvertible {
        var description: String { "the stored recommendation model is malformed" }
    }

    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { position == bytes.count }

    private mutating func take(_ count: Int) throws(Malformed) -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - position else { throw Malformed() }
        defer { position += count }
        return bytes[position..<position + count]
    }

    mutating func int64() throws(Malformed) -> Int64 {
        let slice = try take(8)
        var value: UInt64 = 0
        for (shift, byte) in slice.enumerated() { value |= UInt64(byte) << (8 * shift) }
        return Int64(bitPattern: value)
    }

    mutating func int32() throws(Malformed) -> Int32 {
        let slice = try take(4)
        var value: UInt32 = 0
        for (shift, byte) in slice.enumerated() { value |= UInt32(byte) << (8 * shift) }
        return Int32(bitPattern: value)
    }

    mutating func double() throws(Malformed) -> Double { Double(bitPattern: UInt64(bitPattern: try int64())) }
    mutating func float() throws(Malformed) -> Float { Float(bitPattern: UInt32(bitPattern: try int32())) }

    private mutating func count(width: Int) throws(Malformed) -> Int {
        let count = try int64()
        guard count >= 0, count <= Int64((bytes.count - position) / width) else { throw Malformed() }
        return Int(count)
    }

    mutating func int32s() throws(Malformed) -> [Int32] {
        let count = try count(width: 4)
        var values: [Int32] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try int32()) }
        return values
    }

    mutating func floats() throws(Malformed) -> [Float] {
        let count = try count(width: 4)
        var values: [Float] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try float()) }
        return values
    }

    mutating func string() throws(Malformed) -> String {
        let length = try count(width: 1)
        return String(decoding: try take(length), as: UTF8.self)
    }

    mutating func strings() throws(Malformed) -> [String] {
        let count = try count(width: 8)
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try string()) }
        return values
    }

    mutating func nested() throws(Malformed) -> [[Int32]] {
        let offsets = try int32s()
        let flat = try int32s()
        guard let last = offsets.last, offsets.first == 0, Int(last) == flat.count else { throw Malformed() }
        var lists: [[Int32]] = []
        lists.reserveCapacity(offsets.count - 1)
        for (from, to) in zip(offsets, offsets.dropFirst()) {
            guard from <= to else { throw Malformed() }
            lists.append(Array(flat[Int(from)..<Int(to)]))
        }
        return lists
    }
}
