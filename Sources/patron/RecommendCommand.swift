import ArgumentParser
import Foundation
import PatronAnalytics
import PatronCore
import PatronEngine

struct RecommendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend", abstract: "Recommendation tools.", subcommands: [RecommendEvaluateCommand.self])
}

/// `patron recommend evaluate`: the offline leave-last-basket-out protocol of docs/recommendations.md on
/// a baskets file, for Patron's personal recommender and two baselines, printed as JSON.
struct RecommendEvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Measure recommendation quality on held-out last baskets.",
        discussion: """
            FILE has the header user,basket,ts,item (ts in ISO-8601; may be gzipped). With --online-retail FILE the \
            UCI Online Retail file is cleaned into baskets first. See docs/recommendations.md for the protocol.
            """)

    @Argument(help: "Baskets CSV (user,basket,ts,item).") var file: String?
    @Option(name: .customLong("online-retail"), help: "The UCI Online Retail file instead of a baskets CSV.")
    var onlineRetail: String?
    @Option(help: "List length.") var k = 10
    @Option(help: "Weight of a basket n baskets ago: decay^n.") var basketDecay: Double?
    @Option(help: "Weight of the item neighbours against the customer's own items (lambda).") var relatedWeight: Double?
    @Option(help: "Exponent of recent popularity on the customer's own items (gamma).") var popularityExponent: Double?
    @Option(help: "Days of the recency weight exp(-age/tau).") var recencyDays: Double?
    @Option(help: "Neighbour walk exponent alpha.") var alpha: Double?
    @Option(help: "Neighbour walk popularity penalty beta.") var beta: Double?
    @Option(help: "Neighbours kept per item.") var neighbours: Int?

    func validate() throws {
        guard (file == nil) != (onlineRetail == nil) else {
            throw ValidationError("give a baskets FILE or --online-retail FILE (one of them)")
        }
        guard (1...100).contains(k) else { throw ValidationError("--k must be from 1 to 100, got \(k)") }
        if let basketDecay, !(0...1).contains(basketDecay) {
            throw ValidationError("--basket-decay must be from 0 to 1, got \(basketDecay)")
        }
        if let relatedWeight, !(0...100).contains(relatedWeight) {
            throw ValidationError("--related-weight must be from 0 to 100, got \(relatedWeight)")
        }
        if let popularityExponent, !(0...5).contains(popularityExponent) {
            throw ValidationError("--popularity-exponent must be from 0 to 5, got \(popularityExponent)")
        }
        if let recencyDays, !(1...3_650).contains(recencyDays) {
            throw ValidationError("--recency-days must be from 1 to 3650, got \(recencyDays)")
        }
        if let alpha, !(0...2).contains(alpha) { throw ValidationError("--alpha must be from 0 to 2, got \(alpha)") }
        if let beta, !(0...2).contains(beta) { throw ValidationError("--beta must be from 0 to 2, got \(beta)") }
        if let neighbours, !(1...1_000).contains(neighbours) {
            throw ValidationError("--neighbours must be from 1 to 1000, got \(neighbours)")
        }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let log = try readLog()
        guard log.basketCount > 0 else { throw UserError("there are no baskets to evaluate") }
        let evaluation = RecommendationEvaluation(log)
        guard !evaluation.testUsers.isEmpty else {
            throw UserError("no user has two or more baskets, so there is nothing to hold out")
        }
        let loaded = ContinuousClock.now
        var options = RecommendationModel.Options()
        if let basketDecay { options.personal.basketDecay = basketDecay }
        if let relatedWeight { options.personal.relatedWeight = relatedWeight }
        if let popularityExponent { options.personal.popularityExponent = popularityExponent }
        if let recencyDays { options.recencyDays = recencyDays }
        if let alpha { options.alpha = alpha }
        if let beta { options.beta = beta }
        if let neighbours { options.neighbourLimit = neighbours }
        let attributes =
            onlineRetail == nil
            ? ItemAttributes.unknown(count: log.items.count) : ItemAttributes.codePrefix(log.items)
        let now = evaluation.train.basketTime.max() ?? 0
        let model = RecommendationModel.build(evaluation.train, attributes: attributes, now: now, options: options)
        let built = ContinuousClock.now

        let personal = model.personal
        let ranking = model.ranking
        func patron(_ user: Int32, _ excluded: Set<Int32>, _ k: Int) -> [Int32] {
            let history = RecommendationModel.history(of: evaluation.trainingBaskets[Int(user)], in: evaluation.train)
            return personal.recommend(history, limit: k, fill: true) { excluded.contains($0) }.map(\.item)
        }
        func popularity(_ user: Int32, _ excluded: Set<Int32>, _ k: Int) -> [Int32] {
            ranking.top(k, scores: [:]) { excluded.contains($0) }
        }
        func ownMostBought(_ user: Int32, _ excluded: Set<Int32>, _ k: Int) -> [Int32] {
            var counts: [Int32: Double] = [:]
            for basket in evaluation.trainingBaskets[Int(user)] {
                for item in evaluation.train.items(of: basket) { counts[item, default: 0] += 1 }
            }
            return ranking.top(k, scores: counts) { excluded.contains($0) }
        }
        func both(_ rank: (Int32, Set<Int32>, Int) -> [Int32]) -> JSONValue {
            [
                "all_items": metrics(evaluation.measure(k: k, newItemsOnly: false, rank: rank)),
                "new_items": metrics(evaluation.measure(k: k, newItemsOnly: true, rank: rank)),
            ]
        }
        let patronResults = both(patron)
        let evaluated = ContinuousClock.now
        let result: JSONValue = [
            "data": [
                "rows": .int(Int64(log.rowCount)), "users": .int(Int64(log.users.count)),
                "baskets": .int(Int64(log.basketCount)), "items": .int(Int64(log.items.count)),
                "test_users": .int(Int64(evaluation.testUsers.count)),
            ],
            "k": .int(Int64(k)),
            "method": [
                "name": "TR3: recency-weighted repeat purchases + time-weighted RP3 item neighbours",
                "basket_decay": .double(options.personal.basketDecay),
                "popularity_exponent": .double(options.personal.popularityExponent),
                "related_weight": .double(options.personal.relatedWeight), "recency_days": .double(options.recencyDays),
                "alpha": .double(options.alpha), "beta": .double(options.beta), "neighbours": .int(Int64(options.neighbourLimit)),
            ],
            "results": [
                "patron": patronResults, "popularity": both(popularity),
                "own_most_bought": ["all_items": metrics(evaluation.measure(k: k, newItemsOnly: false, rank: ownMostBought))],
            ],
            "seconds": [
                "load": .double((loaded - started).seconds), "build_models": .double((built - loaded).seconds),
                "recommend_all_test_users": .double((evaluated - built).seconds),
            ],
        ]
        print(result.serialized())
    }

    private func metrics(_ value: RecommendationEvaluation.Metrics) -> JSONValue {
        func rounded(_ number: Double) -> JSONValue { .double((number * 10_000).rounded() / 10_000) }
        return [
            "users": .int(Int64(value.users)), "hr": rounded(value.hitRate), "recall": rounded(value.recall),
            "ndcg": rounded(value.ndcg),
        ]
    }

    private func readLog() throws -> BasketLog {
        let path = onlineRetail ?? file ?? ""
        let bytes: [UInt8]
        do {
            bytes = try FileImporter.readDecompressed(path)
        } catch {
            throw UserError("\(error)")
        }
        do {
            return onlineRetail == nil ? try BasketsCSV.read(bytes) : try BasketsCSV.readOnlineRetail(bytes)
        } catch {
            throw UserError("\(path): \(error.description)")
        }
    }
}
