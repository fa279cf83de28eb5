import RealModule

/// The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005): while alive, a customer buys as a
/// Poisson process with rate λ ~ Gamma(r, α); after each purchase they drop out with probability
/// p ~ Beta(a, b). Parameters are in the ``TimeUnit`` of the data they were fitted on.
public struct BetaGeometricNBD: Sendable, Codable, Equatable {
    public var r: Double
    public var alpha: Double
    public var a: Double
    public var b: Double
    public var unit: TimeUnit

    public init(r: Double, alpha: Double, a: Double, b: Double, unit: TimeUnit) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
        self.unit = unit
    }

    public static let minimumBuyers = 20
    public static let minimumRepeatBuyers = 5

    /// The log-likelihood of one customer's (x, tₓ, T).
    public func logLikelihood(frequency x: Int, recency: Double, age: Double) -> Double {
        let xd = Double(x)
        let common =
            .logGamma(r + xd) - .logGamma(r) + r * .log(alpha)
            + .logGamma(a + b) + .logGamma(b + xd) - .logGamma(b) - .logGamma(a + b + xd)
        let staying = -(r + xd) * .log(alpha + age)
        guard x > 0 else { return common + staying }
        let leaving = .log(a) - .log(b + xd - 1) - (r + xd) * .log(alpha + recency)
        return common + SpecialFunctions.logAddExp(staying, leaving)
    }

    public func logLikelihood(_ data: PurchaseSummary) -> Double {
        Self.negativeLogLikelihood(
            logParameters: [.log(r), .log(alpha), .log(a), .log(b)], data: FitData(data, timeScale: 1),
            withGradient: false
        ).value * -1
    }

    /// Fits the model by maximum likelihood. Time is rescaled so the oldest customer's T is 10 (as the
    /// `lifetimes` package does), which keeps the start point sensible for any unit; α is scaled back.
    public static func fit(_ data: PurchaseSummary) throws(ModelFitError) -> (model: Self, diagnostics: FitDiagnostics) {
        let repeatBuyers = data.frequency.lazy.filter { $0 > 0 }.count
        guard data.count >= minimumBuyers, repeatBuyers >= minimumRepeatBuyers else {
            throw .tooLittleData(
                model: "BG/NBD",
                needed: "at least \(minimumBuyers) buyers and \(minimumRepeatBuyers) repeat buyers",
                found: "\(data.count) buyers and \(repeatBuyers) repeat buyers")
        }
        let oldest = data.age.max() ?? 1
        let timeScale = oldest > 0 ? 10 / oldest : 1
        let full = FitData(data, timeScale: timeScale)
        let step = MaximumLikelihood.coarseStride(full.count)
        let coarse = step > 1 ? full.strided(every: step) : full
        let result = MaximumLikelihood.fit(
            start: [0, 0, 0, 0],
            coarse: { negativeLogLikelihood(logParameters: $0, data: coarse, withGradient: $1) }, coarseCount: coarse.count,
            full: { negativeLogLikelihood(logParameters: $0, data: full, withGradient: $1) }, fullCount: full.count)
        guard result.value.isFinite else {
            throw .didNotConverge(model: "BG/NBD", detail: "the likelihood is not finite at any point tried")
        }
        let point = result.point.map { Double.exp($0) }
        let model = Self(r: point[0], alpha: point[1] / timeScale, a: point[2], b: point[3], unit: data.unit)
        let logLikelihood = model.logLikelihood(data)
        return (
            model,
            FitDiagnostics(
                logLikelihood: logLikelihood, iterations: result.iterations, converged: result.converged,
                customers: data.count)
        )
    }

    /// The columns a fit reads, with time already rescaled and a histogram of x for the terms that
    /// depend on x alone. When every time is a whole number of units (days, as summaries from orders
    /// are), times are also kept as small integers so each evaluation computes log(α + t) once per
    /// distinct t instead of once per customer.
    struct FitData: Sendable {
        var frequency: [Int]
        var recency: [Double]
        var age: [Double]
        var frequencyCounts: [Double]
        /// Unscaled whole-number times, when all times are whole numbers below ``maximumTableTime``.
        var recencySteps: [Int32]?
        var ageSteps: [Int32]?
        var timeScale: Double

        static let maximumTableTime = 100_000.0

        var count: Int { frequency.count }

        init(_ data: PurchaseSummary, timeScale: Double) {
            self.init(frequency: data.frequency, recency: data.recency, age: data.age, timeScale: timeScale)
        }

        init(frequency: [Int], recency: [Double], age: [Double], timeScale: Double) {
            self.frequency = frequency
            self.recency = recency.map { $0 * timeScale }
            self.age = age.map { $0 * timeScale }
            self.timeScale = timeScale
            var counts = [Double](repeating: 0, count: (frequency.max() ?? 0) + 1)
            for x in frequency { counts[x] += 1 }
            frequencyCounts = counts
            func steps(_ values: [Double]) -> [Int32]? {
                guard values.allSatisfy({ $0 >= 0 && $0 <= Self.maximumTableTime && $0.rounded() == $0 }) else { return nil }
                return values.map { Int32($0) }
            }
            recencySteps = steps(recency)
            ageSteps = recencySteps == nil ? nil : steps(age)
            if ageSteps == nil { recencySteps = nil }
        }

        func strided(every step: Int) -> FitData {
            let picks = Array(Swift.stride(from: 0, to: count, by: step))
            return FitData(
                frequency: picks.map { frequency[$0] }, recency: picks.map { recency[$0] / timeScale },
                age: picks.map { age[$0] / timeScale }, timeScale: timeScale)
        }
    }

    /// −LL and its gradient with respect to (log r, log α, log a, log b). Terms that depend only on x
    /// are computed once per distinct x; the per-customer loop is one or two logs and one exp.
    static func negativeLogLikelihood(
        logParameters: [Double], data: FitData, withGradient: Bool
    ) -> (value: Double, gradient: [Double]) {
        let r = Double.exp(logParameters[0])
        let alpha = Double.exp(logParameters[1])
        let a = Double.exp(logParameters[2])
        let b = Double.exp(logParameters[3])

        var total = 0.0
        var gradR = 0.0
        var gradAlpha = 0.0
        var gradA = 0.0
        var gradB = 0.0
        let lgR = Double.logGamma(r)
        let lgB = Double.logGamma(b)
        let lgAB = Double.logGamma(a + b)
        let psiR = withGradient ? SpecialFunctions.digamma(r) : 0
        let psiB = withGradient ? SpecialFunctions.digamma(b) : 0
        let psiAB = withGradient ? SpecialFunctions.digamma(a + b) : 0
        let logAlpha = Double.log(alpha)
        for (x, weight) in data.frequencyCounts.enumerated() where weight > 0 {
            let xd = Double(x)
            total +=
                weight
                * (.logGamma(r + xd) - lgR + r * logAlpha + lgAB + .logGamma(b + xd) - lgB - .logGamma(a + b + xd))
            if withGradient {
                let psiABX = SpecialFunctions.digamma(a + b + xd)
                gradR += weight * (SpecialFunctions.digamma(r + xd) - psiR + logAlpha)
                gradAlpha += weight * r / alpha
                gradA += weight * (psiAB - psiABX)
                gradB += weight * (psiAB + SpecialFunctions.digamma(b + xd) - psiB - psiABX)
            }
        }

        // log(α + t) and 1/(α + t) per distinct whole time, when times are whole numbers.
        let largestStep = data.ageSteps.map { Int($0.max() ?? 0) } ?? -1
        let logTable = (0..<largestStep + 1).map { Double.log(alpha + Double($0) * data.timeScale) }
        let inverseTable = (0..<largestStep + 1).map { 1 / (alpha + Double($0) * data.timeScale) }
        let logBX1 = data.frequencyCounts.indices.map { $0 > 0 ? Double.log(b + Double($0) - 1) : 0 }
        let inverseBX1 = data.frequencyCounts.indices.map { $0 > 0 ? 1 / (b + Double($0) - 1) : 0 }
        let perCustomer = ParallelSum.sum(count: data.count, width: 5) { range in
            var sum = 0.0
            var dR = 0.0
            var dAlpha = 0.0
            var dA = 0.0
            var dB = 0.0
            let logA = Double.log(a)
            let tabled = data.ageSteps != nil
            for index in range {
                let x = data.frequency[index]
                let rx = r + Double(x)
                let logAgeTerm: Double
                let inverseAge: Double
                if tabled, let ageSteps = data.ageSteps {
                    let step = Int(ageSteps[index])
                    logAgeTerm = logTable[step]
                    inverseAge = inverseTable[step]
                } else {
                    logAgeTerm = Double.log(alpha + data.age[index])
                    inverseAge = 1 / (alpha + data.age[index])
                }
                let staying = -rx * logAgeTerm
                if x == 0 {
                    sum += staying
                    dR -= logAgeTerm
                    dAlpha -= rx * inverseAge
                    continue
                }
                let logRecencyTerm: Double
                let inverseRecency: Double
                if tabled, let recencySteps = data.recencySteps {
                    let step = Int(recencySteps[index])
                    logRecencyTerm = logTable[step]
                    inverseRecency = inverseTable[step]
                } else {
                    logRecencyTerm = Double.log(alpha + data.recency[index])
                    inverseRecency = 1 / (alpha + data.recency[index])
                }
                let leaving = logA - logBX1[x] - rx * logRecencyTerm
                // log(e^staying + e^leaving) with one exp, reused for the weights of the two terms.
                let difference = leaving - staying
                let smaller = Double.exp(-abs(difference))
                sum += max(staying, leaving) + Double.log(onePlus: smaller)
                guard withGradient else { continue }
                let leavingWeight = difference > 0 ? 1 / (1 + smaller) : smaller / (1 + smaller)
                let stayingWeight = 1 - leavingWeight
                dR -= stayingWeight * logAgeTerm + leavingWeight * logRecencyTerm
                dAlpha -= rx * (stayingWeight * inverseAge + leavingWeight * inverseRecency)
                dA += leavingWeight / a
                dB -= leavingWeight * inverseBX1[x]
            }
            return [sum, dR, dAlpha, dA, dB]
        }
        total += perCustomer[0]
        guard withGradient else { return (-total, []) }
        gradR += perCustomer[1]
        gradAlpha += perCustomer[2]
        gradA += perCustomer[3]
        gradB += perCustomer[4]
        // Chain rule to log-parameters, and the sign for minimisation.
        return (-total, [-gradR * r, -gradAlpha * alpha, -gradA * a, -gradB * b])
    }
}
