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
        let coarse = full.count > 20_000 ? full.strided(every: (full.count + 19_999) / 20_000) : full
        let result = MaximumLikelihood.fit(
            start: [0, 0, 0, 0],
            coarse: { negativeLogLikelihood(logParameters: $0, data: coarse, withGradient: false).value },
            objective: { negativeLogLikelihood(logParameters: $0, data: full, withGradient: true) })
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
    /// depend on x alone.
    struct FitData: Sendable {
        var frequency: [Int]
        var recency: [Double]
        var age: [Double]
        var frequencyCounts: [Double]

        var count: Int { frequency.count }

        init(_ data: PurchaseSummary, timeScale: Double) {
            self.init(
                frequency: data.frequency, recency: data.recency.map { $0 * timeScale },
                age: data.age.map { $0 * timeScale })
        }

        init(frequency: [Int], recency: [Double], age: [Double]) {
            self.frequency = frequency
            self.recency = recency
            self.age = age
            var counts = [Double](repeating: 0, count: (frequency.max() ?? 0) + 1)
            for x in frequency { counts[x] += 1 }
            frequencyCounts = counts
        }

        func strided(every step: Int) -> FitData {
            let picks = Swift.stride(from: 0, to: count, by: step)
            return FitData(
                frequency: picks.map { frequency[$0] }, recency: picks.map { recency[$0] }, age: picks.map { age[$0] })
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

        let perCustomer = ParallelSum.sum(count: data.count, width: 5) { range in
            var sum = 0.0
            var dR = 0.0
            var dAlpha = 0.0
            var dA = 0.0
            var dB = 0.0
            let logA = Double.log(a)
            for index in range {
                let x = data.frequency[index]
                let rx = r + Double(x)
                let logAgeTerm = Double.log(alpha + data.age[index])
                let staying = -rx * logAgeTerm
                if x == 0 {
                    sum += staying
                    dR -= logAgeTerm
                    dAlpha -= rx / (alpha + data.age[index])
                    continue
                }
                let logRecencyTerm = Double.log(alpha + data.recency[index])
                let bx1 = b + Double(x) - 1
                let leaving = logA - Double.log(bx1) - rx * logRecencyTerm
                sum += SpecialFunctions.logAddExp(staying, leaving)
                guard withGradient else { continue }
                let leavingWeight = 1 / (1 + Double.exp(staying - leaving))
                let stayingWeight = 1 - leavingWeight
                dR -= stayingWeight * logAgeTerm + leavingWeight * logRecencyTerm
                dAlpha -= stayingWeight * rx / (alpha + data.age[index]) + leavingWeight * rx / (alpha + data.recency[index])
                dA += leavingWeight / a
                dB -= leavingWeight / bx1
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
