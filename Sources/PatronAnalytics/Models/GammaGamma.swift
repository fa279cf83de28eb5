import RealModule

/// The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005, "RFM and CLV"): each purchase
/// is worth z ~ Gamma(p, ν), and each customer's ν ~ Gamma(q, γ). Fitted on repeat buyers' mean repeat
/// spend; money is in the store's major currency unit.
public struct GammaGamma: Sendable, Codable, Equatable {
    public var p: Double
    public var q: Double
    public var gamma: Double

    public init(p: Double, q: Double, gamma: Double) {
        self.p = p
        self.q = q
        self.gamma = gamma
    }

    public static let minimumRepeatBuyers = 10

    /// E[M | x, m̄]: the expected value of this customer's future purchases. With no repeat purchase
    /// (x = 0) it is the population mean pγ/(q−1). Needs q > 1 (a finite mean); otherwise the observed
    /// mean stands in.
    public func expectedSpend(frequency x: Int, monetary: Double) -> Double {
        let xd = Double(x)
        guard q > 1 else { return monetary }
        return p * (gamma + xd * monetary) / (p * xd + q - 1)
    }

    public var populationMeanSpend: Double? { q > 1 ? p * gamma / (q - 1) : nil }

    public func logLikelihood(frequency x: Int, monetary m: Double) -> Double {
        let xd = Double(x)
        let px = p * xd
        return .logGamma(px + q) - .logGamma(px) - .logGamma(q) + q * .log(gamma) + (px - 1) * .log(m)
            + px * .log(xd) - (px + q) * .log(gamma + xd * m)
    }

    /// Fits on the customers with a repeat purchase and a positive mean repeat spend. Money is rescaled
    /// so the mean spend is 10 during the fit (γ scales with it), so any currency starts well.
    public static func fit(_ data: PurchaseSummary) throws(ModelFitError) -> (model: Self, diagnostics: FitDiagnostics) {
        var frequency: [Int] = []
        var monetary: [Double] = []
        for index in 0..<data.count where data.frequency[index] > 0 && data.monetary[index] > 0 {
            frequency.append(data.frequency[index])
            monetary.append(data.monetary[index])
        }
        guard frequency.count >= minimumRepeatBuyers else {
            throw .tooLittleData(
                model: "Gamma-Gamma", needed: "at least \(minimumRepeatBuyers) repeat buyers with a positive spend",
                found: "\(frequency.count)")
        }
        let mean = monetary.reduce(0, +) / Double(monetary.count)
        let scale = 10 / mean
        let fitData = FitData(frequency: frequency, monetary: monetary.map { $0 * scale })
        let step = MaximumLikelihood.coarseStride(fitData.frequency.count)
        let picks = Array(Swift.stride(from: 0, to: fitData.frequency.count, by: step))
        let coarse =
            step > 1
            ? FitData(frequency: picks.map { fitData.frequency[$0] }, monetary: picks.map { fitData.monetary[$0] }) : fitData
        let result = MaximumLikelihood.fit(
            start: [0, 0, 0],
            coarse: { negativeLogLikelihood(logParameters: $0, data: coarse, withGradient: $1) },
            coarseCount: coarse.frequency.count,
            full: { negativeLogLikelihood(logParameters: $0, data: fitData, withGradient: $1) },
            fullCount: fitData.frequency.count)
        guard result.value.isFinite else {
            throw .didNotConverge(model: "Gamma-Gamma", detail: "the likelihood is not finite at any point tried")
        }
        let model = Self(p: .exp(result.point[0]), q: .exp(result.point[1]), gamma: .exp(result.point[2]) / scale)
        var logLikelihood = 0.0
        for index in frequency.indices {
            logLikelihood += model.logLikelihood(frequency: frequency[index], monetary: monetary[index])
        }
        return (
            model,
            FitDiagnostics(
                logLikelihood: logLikelihood, iterations: result.iterations, converged: result.converged,
                customers: frequency.count)
        )
    }

    struct FitData: Sendable {
        var frequency: [Int]
        var monetary: [Double]
        var frequencyCounts: [Double]
        var sumLogMonetary = 0.0
        var sumXLogMonetary = 0.0
        var sumXLogX = 0.0
        var sumX = 0.0

        init(frequency: [Int], monetary: [Double]) {
            self.frequency = frequency
            self.monetary = monetary
            var counts = [Double](repeating: 0, count: (frequency.max() ?? 0) + 1)
            for (x, m) in zip(frequency, monetary) {
                counts[x] += 1
                let xd = Double(x)
                sumLogMonetary += .log(m)
                sumXLogMonetary += xd * .log(m)
                sumXLogX += xd * .log(xd)
                sumX += xd
            }
            frequencyCounts = counts
        }
    }

    /// −LL and its gradient with respect to (log p, log q, log γ).
    static func negativeLogLikelihood(
        logParameters: [Double], data: FitData, withGradient: Bool
    ) -> (value: Double, gradient: [Double]) {
        let p = Double.exp(logParameters[0])
        let q = Double.exp(logParameters[1])
        let gamma = Double.exp(logParameters[2])
        let n = Double(data.frequency.count)
        var total = p * data.sumXLogMonetary - data.sumLogMonetary + p * data.sumXLogX + n * (q * .log(gamma) - .logGamma(q))
        var gradP = data.sumXLogMonetary + data.sumXLogX
        var gradQ = withGradient ? n * (.log(gamma) - SpecialFunctions.digamma(q)) : 0
        var gradGamma = n * q / gamma
        for (x, weight) in data.frequencyCounts.enumerated() where weight > 0 && x > 0 {
            let xd = Double(x)
            total += weight * (.logGamma(p * xd + q) - .logGamma(p * xd))
            if withGradient {
                let psiSum = SpecialFunctions.digamma(p * xd + q)
                gradP += weight * xd * (psiSum - SpecialFunctions.digamma(p * xd))
                gradQ += weight * psiSum
            }
        }
        let perCustomer = ParallelSum.sum(count: data.frequency.count, width: 4) { range in
            var sum = 0.0
            var dP = 0.0
            var dQ = 0.0
            var dGamma = 0.0
            for index in range {
                let xd = Double(data.frequency[index])
                let denominator = gamma + xd * data.monetary[index]
                let logDenominator = Double.log(denominator)
                sum -= (p * xd + q) * logDenominator
                dP -= xd * logDenominator
                dQ -= logDenominator
                dGamma -= (p * xd + q) / denominator
            }
            return [sum, dP, dQ, dGamma]
        }
        total += perCustomer[0]
        guard withGradient else { return (-total, []) }
        gradP += perCustomer[1]
        gradQ += perCustomer[2]
        gradGamma += perCustomer[3]
        return (-total, [-gradP * p, -gradQ * q, -gradGamma * gamma])
    }
}
