import RealModule

/// Special functions the customer-base models need, in double precision.
enum SpecialFunctions {
    static func logGamma(_ x: Double) -> Double {
        Double.logGamma(x)
    }

    /// ψ(x) for x > 0: recurrence up to x ≥ 6, then the asymptotic series (error below 1e-12).
    static func digamma(_ x: Double) -> Double {
        var value = x
        var result = 0.0
        while value < 6 {
            result -= 1 / value
            value += 1
        }
        let inverse = 1 / value
        let inverse2 = inverse * inverse
        let series =
            inverse2
            * (1.0 / 12 - inverse2 * (1.0 / 120 - inverse2 * (1.0 / 252 - inverse2 * (1.0 / 240 - inverse2 / 132))))
        return result + Double.log(value) - 0.5 * inverse - series
    }

    /// log(exp(a) + exp(b)) without overflow.
    static func logAddExp(_ a: Double, _ b: Double) -> Double {
        let high = max(a, b)
        let low = min(a, b)
        if high == -.infinity { return -.infinity }
        return high + Double.log(onePlus: Double.exp(low - high))
    }

    /// The Gauss hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1 by its power series, summed until
    /// the terms stop mattering. The BG/NBD expectations only call it with z = t / (α + T + t), which
    /// stays below 1, and with positive parameters, so the series converges with terms of one sign once
    /// past the peak.
    static func hypergeometric2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        precondition(z >= 0 && z < 1, "2F1 series needs 0 <= z < 1")
        var term = 1.0
        var sum = 1.0
        var n = 0.0
        while n < 100_000 {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
            sum += term
            if abs(term) <= 1e-15 * abs(sum) && n > 2 { break }
            n += 1
        }
        return sum
    }
}
