import PatronCore
import Testing

@testable import PatronAnalytics

@Suite struct GammaGammaTests {
    @Test func calibrationSummaryFromRawTransactionsMatchesThePublishedSummary() throws {
        let snapshot = try CDNOWFixtures.sampleSnapshot()
        let summary = PurchaseSummary(snapshot, until: CDNOWFixtures.calibrationEnd, unit: .weeks)
        let published = try CDNOWFixtures.publishedSummary()
        #expect(summary.count == 2357)
        var mismatches = 0
        for buyer in 0..<summary.count {
            let id = (Int(snapshot.customerKeys[Int(summary.customer[buyer])]) ?? 0) - 1
            let sameFrequency = summary.frequency[buyer] == published.frequency[id]
            let sameRecency = abs(summary.recency[buyer] - published.recency[id]) < 0.006
            let sameAge = abs(summary.age[buyer] - published.age[id]) < 0.006
            if !(sameFrequency && sameRecency && sameAge) { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(summary.frequency.filter { $0 > 0 }.count == 946)
    }

    @Test func fitReproducesThePublishedCDNOWEstimates() throws {
        let summary = PurchaseSummary(try CDNOWFixtures.sampleSnapshot(), until: CDNOWFixtures.calibrationEnd, unit: .weeks)
        let fit = try GammaGamma.fit(summary)
        #expect(fit.diagnostics.customers == 946)
        #expect(relativeError(fit.model.p, 6.25) < 0.005)
        #expect(relativeError(fit.model.q, 3.74) < 0.005)
        #expect(relativeError(fit.model.gamma, 15.44) < 0.005)
        let reference = try CDNOWFixtures.referenceValues()["gamma_gamma"]
        #expect(abs(fit.diagnostics.logLikelihood - (reference?["log_likelihood"]?.doubleValue ?? .nan)) < 1e-3)
    }

    @Test func expectedSpendMatchesTheIndependentReference() throws {
        let model = GammaGamma(p: 6.25, q: 3.74, gamma: 15.44)
        let examples = try CDNOWFixtures.referenceValues()["gamma_gamma"]?["examples"]?.arrayValue ?? []
        #expect(examples.count == 3)
        for example in examples {
            let value = model.expectedSpend(
                frequency: Int(example["x"]?.doubleValue ?? 0), monetary: example["m"]?.doubleValue ?? .nan)
            #expect(abs(value - (example["expected_average_spend_published"]?.doubleValue ?? .nan)) < 1e-9)
        }
        #expect(abs((model.populationMeanSpend ?? 0) - 6.25 * 15.44 / 2.74) < 1e-12)
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        let summary = PurchaseSummary(try CDNOWFixtures.sampleSnapshot(), until: CDNOWFixtures.calibrationEnd, unit: .weeks)
        let repeaters = (0..<summary.count).filter { summary.frequency[$0] > 0 }
        let data = GammaGamma.FitData(
            frequency: repeaters.map { summary.frequency[$0] }, monetary: repeaters.map { summary.monetary[$0] / 3.5 })
        expectGradientMatchesFiniteDifferences(at: [1.5, 1.2, 0.8]) {
            GammaGamma.negativeLogLikelihood(logParameters: $0, data: data, withGradient: $1)
        }
    }

    @Test func tooFewRepeatBuyersIsAClearError() {
        let summary = PurchaseSummary(
            unit: .days, customer: [0, 1], frequency: [1, 0], recency: [3, 0], age: [10, 5], monetary: [12, 0], endDay: 0)
        do {
            _ = try GammaGamma.fit(summary)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "Gamma-Gamma needs at least 10 repeat buyers with a positive spend; this history has 1")
        }
    }
}
