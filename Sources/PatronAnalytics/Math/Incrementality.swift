/// What a treatment added over a holdout, with 95% confidence intervals: the difference of two
/// conversion rates (Newcombe's hybrid score interval, built from Wilson intervals, which behaves
/// well for small groups and rates near 0) and the difference of mean revenue per member (Welch).
public enum Incrementality {
    public struct Interval: Sendable, Equatable {
        public let estimate: Double
        public let lower: Double
        public let upper: Double
    }

    static let z = 1.959963984540054

    /// Wilson score interval for `successes` of `trials`.
    public static func wilson(successes: Int, trials: Int) -> (lower: Double, upper: Double) {
        guard trials > 0 else { return (0, 1) }
        let n = Double(trials)
        let p = Double(successes) / n
        let denominator = 1 + z * z / n
        let centre = (p + z * z / (2 * n)) / denominator
        let half = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot() / denominator
        return (max(0, centre - half), min(1, centre + half))
    }

    /// Treated rate minus holdout rate, with Newcombe's interval (method 10).
    public static func rateDifference(treatedConversions: Int, treated: Int, holdoutConversions: Int, holdout: Int)
        -> Interval?
    {
        guard treated > 0, holdout > 0 else { return nil }
        let p1 = Double(treatedConversions) / Double(treated)
        let p2 = Double(holdoutConversions) / Double(holdout)
        let (l1, u1) = wilson(successes: treatedConversions, trials: treated)
        let (l2, u2) = wilson(successes: holdoutConversions, trials: holdout)
        let difference = p1 - p2
        let lower = difference - ((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2)).squareRoot()
        let upper = difference + ((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2)).squareRoot()
        return Interval(estimate: difference, lower: lower, upper: upper)
    }

    /// Mean of `treated` minus mean of `holdout` (revenue per member, zeros included), Welch's normal interval.
    public static func meanDifference(treated: [Double], holdout: [Double]) -> Interval? {
        guard treated.count > 1, holdout.count > 1 else { return nil }
        func moments(_ values: [Double]) -> (mean: Double, variance: Double) {
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
            return (mean, variance)
        }
        let (m1, v1) = moments(treated)
        let (m2, v2) = moments(holdout)
        let standardError = (v1 / Double(treated.count) + v2 / Double(holdout.count)).squareRoot()
        let difference = m1 - m2
        return Interval(estimate: difference, lower: difference - z * standardError, upper: difference + z * standardError)
    }
}
