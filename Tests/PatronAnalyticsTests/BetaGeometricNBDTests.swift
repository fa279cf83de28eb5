import PatronCore
import Testing

@testable import PatronAnalytics

@Suite struct BetaGeometricNBDTests {
    let published = BetaGeometricNBD(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, unit: .weeks)

    @Test func fitReproducesThePublishedCDNOWEstimates() throws {
        let fit = try BetaGeometricNBD.fit(try CDNOWFixtures.publishedSummary())
        #expect(relativeError(fit.model.r, 0.243) < 0.005)
        #expect(relativeError(fit.model.alpha, 4.414) < 0.005)
        #expect(relativeError(fit.model.a, 0.793) < 0.005)
        #expect(relativeError(fit.model.b, 2.426) < 0.005)
        #expect(relativeError(fit.diagnostics.logLikelihood, -9582.4) < 0.005)
        #expect(abs(fit.diagnostics.logLikelihood - -9582.4) < 0.1)
        #expect(fit.diagnostics.converged)
        #expect(fit.diagnostics.customers == 2357)
    }

    @Test func fitIsDeterministic() throws {
        let summary = try CDNOWFixtures.publishedSummary()
        let first = try BetaGeometricNBD.fit(summary)
        let second = try BetaGeometricNBD.fit(summary)
        #expect(first.model == second.model)
        #expect(first.diagnostics == second.diagnostics)
    }

    @Test func logLikelihoodAtThePublishedParametersMatchesTheIndependentComputation() throws {
        let reference = try CDNOWFixtures.referenceValues()
        let expected = reference["bgnbd_published"]?["log_likelihood_summary"]?.doubleValue ?? .nan
        #expect(abs(published.logLikelihood(try CDNOWFixtures.publishedSummary()) - expected) < 1e-6)
    }

    /// P(alive) and E[Y(t) | x, tₓ, T] against mpmath values computed from the paper's formulas
    /// (benchmarks/reference_values.py), which use ₂F₁ directly rather than our Euler-transformed series.
    @Test func perCustomerFormulasMatchTheIndependentReference() throws {
        let cases = try CDNOWFixtures.referenceValues()["bgnbd_published"]?["cases"]?.arrayValue ?? []
        #expect(cases.count == 7)
        for entry in cases {
            let x = Int(entry["x"]?.doubleValue ?? -1)
            let recency = entry["t_x"]?.doubleValue ?? .nan
            let age = entry["T"]?.doubleValue ?? .nan
            let alive = published.probabilityAlive(frequency: x, recency: recency, age: age)
            #expect(abs(alive - (entry["p_alive"]?.doubleValue ?? .nan)) < 1e-12, "P(alive) for x=\(x)")
            for horizon in ["39", "52"] {
                let expected = entry["conditional_expected_purchases"]?[horizon]?.doubleValue ?? .nan
                let value = published.expectedPurchases(
                    within: Double(horizon) ?? 0, frequency: x, recency: recency, age: age)
                #expect(relativeError(value, expected) < 1e-10, "E[Y(\(horizon))] for x=\(x): \(value) vs \(expected)")
            }
            let logLikelihood = entry["log_likelihood"]?.doubleValue ?? .nan
            #expect(abs(published.logLikelihood(frequency: x, recency: recency, age: age) - logLikelihood) < 1e-10)
        }
        let newCustomer = try CDNOWFixtures.referenceValues()["bgnbd_published"]?["expected_purchases_new_customer"]
        #expect(
            relativeError(published.expectedPurchasesOfNewCustomer(within: 39), newCustomer?["39"]?.doubleValue ?? .nan) < 1e-10)
        #expect(
            relativeError(published.expectedPurchasesOfNewCustomer(within: 78), newCustomer?["78"]?.doubleValue ?? .nan) < 1e-10)
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        let data = BetaGeometricNBD.FitData(try CDNOWFixtures.publishedSummary(), timeScale: 0.25)
        for point in [[-1.4, 0.1, -0.2, 0.9], [0.3, -0.5, 0.7, -0.2]] {
            expectGradientMatchesFiniteDifferences(at: point) {
                BetaGeometricNBD.negativeLogLikelihood(logParameters: $0, data: data, withGradient: $1)
            }
        }
    }

    /// Summaries in whole days take the table path (log(α + t) once per distinct day); it must agree
    /// with the per-customer likelihood and with finite differences.
    @Test func wholeDayTablesAgreeWithThePerCustomerLikelihood() throws {
        let summary = PurchaseSummary(try CDNOWFixtures.sampleSnapshot(), until: CDNOWFixtures.calibrationEnd, unit: .days)
        let data = BetaGeometricNBD.FitData(summary, timeScale: 10.0 / 273)
        #expect(data.ageSteps != nil)
        let model = BetaGeometricNBD(r: 0.25, alpha: 30, a: 0.8, b: 2.4, unit: .days)
        var direct = 0.0
        for index in 0..<summary.count {
            direct += model.logLikelihood(
                frequency: summary.frequency[index], recency: summary.recency[index], age: summary.age[index])
        }
        #expect(abs(model.logLikelihood(summary) - direct) < 1e-7 * abs(direct))
        expectGradientMatchesFiniteDifferences(at: [-1.3, 0.2, -0.2, 0.8]) {
            BetaGeometricNBD.negativeLogLikelihood(logParameters: $0, data: data, withGradient: $1)
        }
    }

    @Test func frequentBuyersDoNotOverflow() {
        let value = published.expectedPurchases(within: 520, frequency: 400, recency: 38, age: 38.5)
        #expect(value.isFinite && value > 0)
        #expect(published.probabilityAlive(frequency: 400, recency: 38, age: 38.5).isFinite)
    }

    @Test func probabilityOfPurchaseAndMedianWaitAgree() throws {
        let wait = try #require(published.medianTimeToNextPurchase(frequency: 5, recency: 29, age: 30))
        let chance = published.probabilityOfPurchase(within: wait, frequency: 5, recency: 29, age: 30)
        #expect(abs(chance - 0.5) < 1e-9)
        // A customer more likely gone than not has no median wait.
        #expect(published.medianTimeToNextPurchase(frequency: 1, recency: 1.71, age: 38.86) == nil)
    }

    @Test func tooLittleDataIsAClearError() {
        let summary = PurchaseSummary(
            unit: .days, customer: [0, 1, 2], frequency: [0, 1, 0], recency: [0, 3, 0], age: [10, 12, 14],
            monetary: [0, 5, 0], endDay: 0)
        #expect(throws: ModelFitError.self) { try BetaGeometricNBD.fit(summary) }
        do {
            _ = try BetaGeometricNBD.fit(summary)
        } catch {
            #expect(error.description.contains("at least 20 buyers and 5 repeat buyers"))
            #expect(error.description.contains("3 buyers and 1 repeat buyers"))
        }
    }

    @Test func fewRepeatBuyersStillGiveFiniteParameters() throws {
        // 200 one-time buyers and five who came back once: a thin history that must not diverge to NaN.
        var frequency = [Int](repeating: 0, count: 200)
        var recency = [Double](repeating: 0, count: 200)
        var age = (0..<200).map { Double(10 + $0 % 300) }
        for index in 0..<5 {
            frequency.append(1)
            recency.append(Double(20 + index))
            age.append(Double(200 + index))
        }
        let summary = PurchaseSummary(
            unit: .days, customer: frequency.indices.map { Int32($0) }, frequency: frequency, recency: recency, age: age,
            monetary: frequency.map { Double($0) * 10 }, endDay: 0)
        let fit = try BetaGeometricNBD.fit(summary)
        for value in [fit.model.r, fit.model.alpha, fit.model.a, fit.model.b, fit.diagnostics.logLikelihood] {
            #expect(value.isFinite)
        }
        let alive = fit.model.probabilityAlive(frequency: 1, recency: 20, age: 200)
        #expect(alive >= 0 && alive <= 1)
    }
}
