import Testing

@testable import PatronAnalytics

@Suite struct RFMTests {
    @Test func everyScoreCombinationHasExactlyOneSegmentByPrecedence() {
        var seen: [RFMSegment: Int] = [:]
        for r in 1...5 {
            for f in 1...5 {
                for m in 1...5 {
                    let matching = RFMSegment.table.filter { $0.r.contains(r) && $0.f.contains(f) && $0.m.contains(m) }
                    #expect(!matching.isEmpty, "no row covers \(r)\(f)\(m)")
                    let segment = RFMSegment.classify(r: r, f: f, m: m)
                    #expect(segment == matching.first?.segment)
                    seen[segment, default: 0] += 1
                }
            }
        }
        #expect(Set(seen.keys) == Set(RFMSegment.allCases), "every named segment is reachable")
        #expect(seen.values.reduce(0, +) == 125)
    }

    @Test func namedSegmentsOfTypicalCustomers() {
        #expect(RFMSegment.classify(r: 5, f: 5, m: 5) == .champions)
        #expect(RFMSegment.classify(r: 3, f: 4, m: 4) == .loyalCustomers)
        #expect(RFMSegment.classify(r: 5, f: 1, m: 5) == .newCustomers)
        #expect(RFMSegment.classify(r: 4, f: 1, m: 2) == .promising)
        #expect(RFMSegment.classify(r: 1, f: 5, m: 5) == .cantLoseThem)
        #expect(RFMSegment.classify(r: 2, f: 3, m: 1) == .atRisk)
        #expect(RFMSegment.classify(r: 2, f: 1, m: 1) == .hibernating)
        #expect(RFMSegment.classify(r: 1, f: 1, m: 1) == .lost)
        #expect(RFMSegment.classify(r: 3, f: 1, m: 3) == .aboutToSleep)
        #expect(RFMSegment.classify(r: 3, f: 2, m: 5) == .needAttention)
    }

    @Test func quintilesGiveEqualValuesEqualScores() {
        // Ten buyers: six with one order, two with two, one with three, one with nine.
        let scores = RFMScores.quintiles([1, 1, 2, 1, 9, 1, 3, 1, 2, 1])
        #expect(scores == [1, 1, 4, 1, 5, 1, 5, 1, 4, 1])
        // Order of input does not matter.
        #expect(RFMScores.quintiles([9, 3, 2, 2, 1, 1, 1, 1, 1, 1]) == [5, 5, 4, 4, 1, 1, 1, 1, 1, 1])
        // Distinct values spread evenly.
        #expect(RFMScores.quintiles((0..<10).map(Double.init)) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    }

    @Test func recencyScoresRewardRecentBuyers() {
        let scores = RFMScores(
            daysSinceLastOrder: [400, 1, 30, 90, 200], orderCount: [1, 1, 1, 1, 1], revenue: [5, 5, 5, 5, 5])
        #expect(scores.recency == [1, 5, 4, 3, 2])
        #expect(scores.frequency == [1, 1, 1, 1, 1])
        #expect(scores.code(1) == "511")
        #expect(scores.segment(1) == .newCustomers)
    }
}
