/// Logarithm and exponential built from IEEE basic operations only, so the demo data does not
/// depend on a platform's libm (whose last bit may differ between glibc and Darwin).
enum DemoMath {
    static let ln2 = 0.693_147_180_559_945_309_4

    /// Natural logarithm; `ln(0)` is minus infinity, negative input gives NaN.
    static func ln(_ x: Double) -> Double {
        guard x > 0 else { return x == 0 ? -.infinity : .nan }
        guard x.isFinite else { return x }
        var mantissa = x.significand
        var exponent = Double(x.exponent)
        if mantissa > 1.414_213_562_373_095_1 {
            mantissa *= 0.5
            exponent += 1
        }
        // ln(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.172.
        let s = (mantissa - 1) / (mantissa + 1)
        let s2 = s * s
        var term = s
        var sum = 0.0
        for k in 0..<16 {
            sum += term / Double(2 * k + 1)
            term *= s2
        }
        return 2 * sum + exponent * ln2
    }

    /// e to the power `x`.
    static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709 { return .infinity }
        if x < -745 { return 0 }
        let k = (x / ln2).rounded()
        let r = x - k * ln2
        var term = 1.0
        var sum = 1.0
        for i in 1...22 {
            term *= r / Double(i)
            sum += term
        }
        let power = Int(k)
        if power < -1_000 {
            return Double(sign: .plus, exponent: power + 60, significand: sum) * 0x1p-60
        }
        return Double(sign: .plus, exponent: power, significand: sum)
    }
}
