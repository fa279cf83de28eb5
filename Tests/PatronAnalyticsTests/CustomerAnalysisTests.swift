import Testing

@testable import PatronAnalytics

@Suite struct CustomerAnalysisTests {
    static let parameters = SyntheticStoreParameters(customers: 3_000, seed: 11, dropoutRule: .afterRepeatPurchases)

    @Test func everyBuyerGetsScoresAndFinitePredictions() throws {
        let snapshot = SyntheticStoreGenerator.generate(Self.parameters)
        let analysis = CustomerAnalysis(snapshot, options: AnalysisOptions(until: Self.parameters.observationEnd - 1))
        #expect(analysis.purchaseModelError == nil)
        #expect(analysis.spendModelError == nil)
        #expect(analysis.summary.count == 3_000)
        for customer in 0..<analysis.customerCount {
            #expect((1...5).contains(analysis.recencyScore[customer]))
            #expect(analysis.segment[customer] != nil)
            let alive = analysis.probabilityAlive[customer]
            #expect(alive >= 0 && alive <= 1)
            #expect(analysis.expectedPurchases[customer] >= 0)
            #expect(analysis.predictedValue[customer] >= 0 && analysis.predictedValue[customer].isFinite)
            #expect(analysis.predictedValue[customer] <= analysis.valueIfAlive[customer] + 1e-9)
            #expect(analysis.churnRisk[customer] >= 0 && analysis.churnRisk[customer] <= 1)
        }
        let grid = RFMGrid(analysis)
        #expect(grid.cells.map(\.customers).reduce(0, +) == 3_000)
        #expect(grid.segments.map(\.customers).reduce(0, +) == 3_000)
        #expect(analysis.kpis.customersAtRisk != nil)
    }

    /// The generator's true parameters come back from the fit (in days), within sampling error.
    @Test func fitRecoversTheGeneratingParameters() throws {
        var parameters = SyntheticStoreParameters(customers: 20_000, seed: 5, dropoutRule: .afterRepeatPurchases)
        parameters.r = 0.9
        parameters.alpha = 17
        parameters.a = 0.8
        parameters.b = 4
        let snapshot = SyntheticStoreGenerator.generate(parameters)
        let analysis = CustomerAnalysis(snapshot, options: AnalysisOptions(until: parameters.observationEnd - 1))
        let model = try #require(analysis.purchaseModel)
        #expect(relativeError(model.r, 0.9) < 0.1, "r \(model.r)")
        #expect(relativeError(model.alpha, 17) < 0.15, "alpha \(model.alpha)")
        #expect(relativeError(model.a, 0.8) < 0.25, "a \(model.a)")
        #expect(relativeError(model.b, 4) < 0.3, "b \(model.b)")
        let spend = try #require(analysis.spendModel)
        #expect(relativeError(spend.populationMeanSpend ?? 0, 60) < 0.05)
    }

    @Test func tooLittleHistoryKeepsRFMAndExplainsTheMissingModel() {
        var builder = OrderSnapshotBuilder()
        for index in 0..<8 { builder.append(customer: "c\(index)", time: 1_700_000_000 + Int64(index) * 86_400, amount: 20) }
        let analysis = CustomerAnalysis(builder.build(), options: AnalysisOptions(until: 1_701_000_000))
        #expect(analysis.purchaseModel == nil)
        #expect(analysis.purchaseModelError?.description.contains("needs at least 20 buyers") == true)
        #expect(analysis.segment.allSatisfy { $0 != nil })
        #expect(analysis.probabilityAlive.allSatisfy { $0.isNaN })
        #expect(analysis.expectedSpend.allSatisfy { $0 == 20 })
        #expect(analysis.kpis.customersAtRisk == nil)
    }

    @Test func predictionsCSVHasOneRowPerBuyer() {
        let snapshot = SyntheticStoreGenerator.generate(SyntheticStoreParameters(customers: 200, seed: 3))
        let analysis = CustomerAnalysis(snapshot, options: AnalysisOptions(until: 1_640_995_200 + 730 * 86_400))
        let lines = String(decoding: PredictionsCSV.render(analysis, keys: snapshot.customerKeys), as: UTF8.self)
            .split(separator: "\n")
        #expect(lines.first.map(String.init) == PredictionsCSV.header)
        #expect(lines.count == 201)
        #expect(lines[1].split(separator: ",", omittingEmptySubsequences: false).count == 11)
        #expect(PredictionsCSV.number(0.1234567) == "0.123457")
        #expect(PredictionsCSV.number(-2) == "-2")
        #expect(PredictionsCSV.number(.nan) == "")
    }
}
