/// xoshiro256** (Blackman & Vigna) seeded through splitmix64: a small, fast generator whose stream depends only
/// on the seed, so synthetic data is reproducible across runs, machines and platforms.
///
/// The sampling helpers use only IEEE-754 basic operations, square roots and ``PortableMath``, never the platform's
/// `log`/`exp`, whose last bits differ between C libraries; a seed therefore gives bit-identical samples everywhere.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state0: UInt64
    private var state1: UInt64
    private var state2: UInt64
    private var state3: UInt64
    /// The polar method makes normals in pairs; the second one waits here.
    private var spareNormal: Double?

    public init(seed: UInt64) {
        var mixer = seed
        state0 = SplitMix64.next(&mixer)
        state1 = SplitMix64.next(&mixer)
        state2 = SplitMix64.next(&mixer)
        state3 = SplitMix64.next(&mixer)
    }

    /// An independent stream for part `stream` of a job (such as one block of customers), so the work can be split
    /// over threads without the result depending on how it was split.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = seed ^ 0x6A09_E667_F3BC_C909
        let base = SplitMix64.next(&mixer)
        var streamMixer = stream
        self.init(seed: base ^ SplitMix64.next(&streamMixer))
    }

    public mutating func next() -> UInt64 {
        let result = Self.rotate(state1 &* 5, 7) &* 9
        let shifted = state1 << 17
        state2 ^= state0
        state3 ^= state1
        state1 ^= state2
        state0 ^= state3
        state2 ^= shifted
        state3 = Self.rotate(state3, 45)
        return result
    }

    private static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }
}

/// The splitmix64 step (Steele, Lea & Flood), used to spread a seed over the xoshiro state.
enum SplitMix64 {
    static func next(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

extension SeededGenerator {
    /// Uniform in the open interval (0, 1): 53 random bits, centred in their cell so neither end is reachable.
    public mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// Exponential with the given rate (mean 1 / rate).
    public mutating func exponential(rate: Double) -> Double {
        -PortableMath.log(uniform()) / rate
    }

    /// Standard normal by Marsaglia's polar method.
    public mutating func standardNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        while true {
            let x = 2 * uniform() - 1
            let y = 2 * uniform() - 1
            let radius = x * x + y * y
            guard radius < 1, radius > 0 else { continue }
            let scale = (-2 * PortableMath.log(radius) / radius).squareRoot()
            spareNormal = y * scale
            return x * scale
        }
    }

    /// Gamma with the given shape and rate (mean shape / rate).
    public mutating func gamma(shape: Double, rate: Double = 1) -> Double {
        GammaShape(shape).sample(rate: rate, using: &self)
    }

    /// Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
    public mutating func beta(_ a: Double, _ b: Double) -> Double {
        let first = GammaShape(a)
        let second = GammaShape(b)
        while true {
            let x = first.sample(rate: 1, using: &self)
            let y = second.sample(rate: 1, using: &self)
            // Both can underflow to zero only for tiny shapes; draw again rather than return NaN.
            if x + y > 0 { return x / (x + y) }
        }
    }
}

/// Gamma sampling by Marsaglia & Tsang (2000) with the constants of one shape computed once, for hot loops that draw
/// many variates of the same shape. Shapes below 1 use the boost Gamma(k) = Gamma(k + 1) · U^(1/k).
struct GammaShape: Sendable {
    let shape: Double
    private let d: Double
    private let c: Double
    private let boosted: Bool

    init(_ shape: Double) {
        precondition(shape > 0 && shape.isFinite, "gamma shape must be positive and finite")
        self.shape = shape
        boosted = shape < 1
        d = (boosted ? shape + 1 : shape) - 1.0 / 3.0
        c = 1 / (3 * d.squareRoot())
    }

    func sample(rate: Double, using generator: inout SeededGenerator) -> Double {
        precondition(rate > 0, "gamma rate must be positive")
        var value = standardSample(using: &generator)
        if boosted {
            value *= PortableMath.exp(PortableMath.log(generator.uniform()) / shape)
        }
        return value / rate
    }

    private func standardSample(using generator: inout SeededGenerator) -> Double {
        while true {
            var x: Double
            var v: Double
            repeat {
                x = generator.standardNormal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = generator.uniform()
            let xSquared = x * x
            if u < 1 - 0.0331 * xSquared * xSquared { return d * v }
            if PortableMath.log(u) < 0.5 * xSquared + d * (1 - v + PortableMath.log(v)) { return d * v }
        }
    }
}

/// Natural logarithm and exponential from basic IEEE-754 operations only (the fdlibm algorithms, error below one
/// ulp), so that sampling gives the same bits on every platform, unlike the C library's `log` and `exp`.
enum PortableMath {
    private static let ln2High = 6.93147180369123816490e-01
    private static let ln2Low = 1.90821492927058770002e-10

    static func log(_ x: Double) -> Double {
        guard x > 0 else { return x == 0 ? -.infinity : .nan }
        guard x.isFinite else { return x }
        var bits = x.bitPattern
        var exponent = Int((bits >> 52) & 0x7FF) - 1023
        if exponent == -1023 {
            // Subnormal: scale into the normal range first (exact).
            bits = (x * 0x1p54).bitPattern
            exponent = Int((bits >> 52) & 0x7FF) - 1023 - 54
        }
        var mantissa = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)
        if mantissa > 1.4142135623730951 {
            mantissa *= 0.5
            exponent += 1
        }
        let f = mantissa - 1
        let s = f / (2 + f)
        let z = s * s
        let w = z * z
        let evenTerms = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01))
        let oddTerms =
            z
            * (6.666666666666735130e-01
                + w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)))
        let remainder = oddTerms + evenTerms
        let halfSquare = 0.5 * f * f
        let k = Double(exponent)
        return k * ln2High - ((halfSquare - (s * (halfSquare + remainder) + k * ln2Low)) - f)
    }

    static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 7.09782712893383973096e+02 { return .infinity }
        if x < -7.45133219101941108420e+02 { return 0 }
        if abs(x) < 0x1p-54 { return 1 + x }
        let k = (x * 1.44269504088896338700e+00).rounded(.toNearestOrEven)
        let high = x - k * ln2High
        let low = k * ln2Low
        let r = high - low
        let t = r * r
        let c =
            r
            - t
            * (1.66666666666666019037e-01
                + t
                * (-2.77777777770155933842e-03
                    + t * (6.61375632143793436117e-05 + t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))))
        let y = 1 - ((low - (r * c) / (2 - c)) - high)
        let power = Int(k)
        if power >= -1021 && power <= 1023 {
            return y * Double(bitPattern: UInt64(1023 + power) << 52)
        }
        // Near the ends of the range 2^k is not a normal number: scale in two exact-enough steps.
        let half = power / 2
        return y * Double(bitPattern: UInt64(1023 + half) << 52) * Double(bitPattern: UInt64(1023 + power - half) << 52)
    }
}
