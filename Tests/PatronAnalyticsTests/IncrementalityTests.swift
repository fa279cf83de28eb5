import Testing

@testable import PatronAnalytics

@Suite struct IncrementalityTests {
    /// Newcombe (1998), Table II, example (a): 56/70 vs 48/80, difference 0.2 with 95% CI 0.0524 to 0.3339.
    @Test func rateDifferenceMatchesNewcombesWorkedExample() throws {
        let interval = try #require(
            Incrementality.rateDifference(treatedConversions: 56, treated: 70, holdoutConversions: 48, holdout: 80))
        #expect(abs(interval.estimate - 0.2) < 1e-12)
        #expect(abs(interval.lower - 0.0524) < 5e-4)
        #expect(abs(interval.upper - 0.3339) < 5e-4)
    }

    /// Wilson (1927) as tabulated by Newcombe: 81/263 gives 0.2553 to 0.3662.
    @Test func wilsonInterval() {
        let (lower, upper) = Incrementality.wilson(successes: 81, trials: 263)
        #expect(abs(lower - 0.2553) < 5e-4 && abs(upper - 0.3662) < 5e-4)
        #expect(Incrementality.wilson(successes: 0, trials: 0) == (0, 1))
    }

    @Test func meanDifferenceUsesWelchsStandardError() throws {
        let interval = try #require(Incrementality.meanDifference(treated: [10, 0, 20, 0], holdout: [0, 0, 10, 0]))
        // Means 7.5 and 2.5; variances 91.67 and 25; SE = sqrt(91.67/4 + 25/4) = 5.401.
        #expect(abs(interval.estimate - 5) < 1e-9)
        #expect(abs(interval.upper - interval.estimate - 1.96 * 5.401) < 0.01)
        #expect(Incrementality.meanDifference(treated: [1], holdout: [1, 2]) == nil)
        #expect(Incrementality.rateDifference(treatedConversions: 1, treated: 0, holdoutConversions: 0, holdout: 5) == nil)
    }
}
