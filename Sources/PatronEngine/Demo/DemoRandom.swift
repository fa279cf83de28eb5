/// A seeded xoshiro256** generator (seeded through SplitMix64) with the few distributions the
/// demo store needs. Everything is computed with integer and basic floating-point operations,
/// so a seed gives the same numbers on every run and machine.
struct DemoRandom: RandomNumberGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    init(seed: UInt64) {
        var mixer = seed
        state = (Self.splitMix(&mixer), Self.splitMix(&mixer), Self.splitMix(&mixer), Self.splitMix(&mixer))
        if state == (0, 0, 0, 0) { state.0 = 0x9E37_79B9_7F4A_7C15 }
    }

    /// An independent stream for one part of the data (`stream`) and one item in it (`index`), so the
    /// parts do not shift each other when one of them draws more numbers.
    init(seed: UInt64, stream: UInt64, index: Int = 0) {
        var mixer = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
        let first = Self.splitMix(&mixer)
        mixer = first ^ (UInt64(bitPattern: Int64(index)) &* 0x9E37_79B9_7F4A_7C15)
        self.init(seed: Self.splitMix(&mixer))
    }

    private static func splitMix(_ value: inout UInt64) -> UInt64 {
        value &+= 0x9E37_79B9_7F4A_7C15
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    private func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }

    // MARK: - Uniform values

    /// A double in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A double in [lower, upper).
    mutating func uniform(_ lower: Double, _ upper: Double) -> Double { lower + (upper - lower) * uniform() }

    /// An integer in 0..<count (count > 0).
    mutating func below(_ count: Int) -> Int {
        guard count > 1 else { return 0 }
        return Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(count)).high)
    }

    /// An integer in the closed range.
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }

    mutating func chance(_ probability: Double) -> Bool { uniform() < probability }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// An index drawn with the given relative weights.
    mutating func weighted(_ weights: [Double]) -> Int {
        var total = 0.0
        for weight in weights { total += weight }
        var target = uniform() * total
        for (index, weight) in weights.enumerated() {
            target -= weight
            if target < 0 { return index }
        }
        return weights.count - 1
    }

    /// An index drawn from cumulative weights (ascending, last = total) by binary search.
    mutating func index(cumulative: [Double]) -> Int {
        guard let total = cumulative.last else { return 0 }
        let target = uniform() * total
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// `count` random hexadecimal digits.
    mutating func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(count)
        for _ in 0..<count { text.append(digits[below(16)]) }
        return text
    }

    /// `count` random decimal digits.
    mutating func digits(_ count: Int) -> String {
        var text = ""
        text.reserveCapacity(count)
        for _ in 0..<count { text.append(Character(Unicode.Scalar(UInt8(48 + below(10))))) }
        return text
    }

    // MARK: - Continuous distributions

    mutating func exponential(mean: Double) -> Double { -mean * DemoMath.ln(1 - uniform()) }

    /// A standard normal value (Marsaglia's polar method).
    mutating func normal() -> Double {
        while true {
            let u = uniform(-1, 1)
            let v = uniform(-1, 1)
            let s = u * u + v * v
            if s > 0, s < 1 { return u * (-2 * DemoMath.ln(s) / s).squareRoot() }
        }
    }

    /// A gamma value with the given shape and scale (Marsaglia and Tsang).
    mutating func gamma(shape: Double, scale: Double) -> Double {
        if shape < 1 {
            let boost = gamma(shape: shape + 1, scale: 1)
            return scale * boost * DemoMath.exp(DemoMath.ln(1 - uniform()) / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            let x = normal()
            var v = 1 + c * x
            guard v > 0 else { continue }
            v = v * v * v
            let u = 1 - uniform()
            if u < 1 - 0.0331 * x * x * x * x { return scale * d * v }
            if DemoMath.ln(u) < 0.5 * x * x + d * (1 - v + DemoMath.ln(v)) { return scale * d * v }
        }
    }

    /// A Poisson count (Knuth's method; fine for the small means used here).
    mutating func poisson(mean: Double) -> Int {
        let limit = DemoMath.exp(-mean)
        var product = uniform()
        var count = 0
        while product > limit, count < 1_000 {
            product *= uniform()
            count += 1
        }
        return count
    }
}
