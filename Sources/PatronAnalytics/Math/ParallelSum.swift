import Dispatch

/// Splits `0..<count` into chunks run on all cores and adds up the vectors each chunk returns.
/// The number of chunks is fixed (not the number of cores) so the floating-point sums, and so the
/// fitted parameters, are the same bits on every machine. Small inputs run on the calling thread:
/// spreading them costs more than it saves.
enum ParallelSum {
    static let chunkCount = 8

    static func sum(count: Int, width: Int, _ body: @Sendable (Range<Int>) -> [Double]) -> [Double] {
        let chunks = count >= 40_000 ? chunkCount : 1
        if chunks == 1 { return body(0..<count) }
        let results = ChunkResults(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let lower = count * chunk / chunks
            let upper = count * (chunk + 1) / chunks
            results.store(body(lower..<upper), at: chunk)
        }
        var total = [Double](repeating: 0, count: width)
        for partial in results.values {
            for index in 0..<width { total[index] += partial[index] }
        }
        return total
    }
}

/// One slot per chunk; each concurrent iteration writes only its own slot, through a pointer so no
/// two threads ever access the same Swift property.
private final class ChunkResults: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<[Double]>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = UnsafeMutablePointer<[Double]>.allocate(capacity: count)
        slots.initialize(repeating: [], count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func store(_ value: [Double], at index: Int) {
        slots[index] = value
    }

    var values: [[Double]] { Array(UnsafeBufferPointer(start: slots, count: count)) }
}
