import Foundation
import Testing

@testable import PatronAnalytics

@Suite("Recommendations: the personal recommender, lists, stored models, the evaluation protocol")
struct RecommendationModelTests {
    /// Coffee drinkers buy beans again and again and often a grinder; tea drinkers buy tea and a pot.
    static func store() -> BasketLog {
        var rows: [(String, String, Int64, [String])] = []
        for n in 0..<8 {
            rows.append(("coffee-\(n)", "c\(n)-1", 10, ["beans", "grinder"]))
            rows.append(("coffee-\(n)", "c\(n)-2", 40, ["beans", n % 2 == 0 ? "filters" : "mug"]))
            rows.append(("tea-\(n)", "t\(n)-1", 12, ["tea", "teapot"]))
            rows.append(("tea-\(n)", "t\(n)-2", 44, ["tea", "cups"]))
        }
        rows.append(("new", "n-1", 45, ["beans"]))
        return basketLog(rows)
    }

    @Test("a customer gets their own staple first, then what buyers of it buy, each with its reason")
    func personal() throws {
        let log = Self.store()
        let model = RecommendationModel.build(log, attributes: .unknown(count: log.items.count), now: 50 * 86_400)
        let beans = try #require(model.index["beans"])
        let history = [PersonalRecommender.Interaction(item: beans, time: 45 * 86_400, signal: .purchase)]
        let picks = model.personal.recommend(history, limit: 4)
        #expect(picks.first?.item == beans)
        #expect(picks.first?.reason == .buysAgain(times: 1))
        let next = picks.dropFirst().map { log.items[Int($0.item)] }
        #expect(Set(next).isSubset(of: ["grinder", "filters", "mug"]), "\(next)")
        #expect(picks.dropFirst().allSatisfy { $0.reason == .relatedTo(item: beans) })
        // Excluded items never appear, even when nothing else scores.
        let withoutBeans = model.personal.recommend(history, limit: 10, fill: true) { $0 == beans }
        #expect(!withoutBeans.contains { $0.item == beans })
        #expect(withoutBeans.count == log.items.count - 1)
        // A view with no purchase is interest, and leads to the viewed item's companions.
        let tea = try #require(model.index["tea"])
        let viewed = model.personal.recommend([.init(item: tea, time: 49 * 86_400, signal: .view)], limit: 3)
        #expect(viewed.first?.item == tea)
        #expect(viewed.first?.reason == .showedInterest(.view))
        #expect(viewed.dropFirst().allSatisfy { ["teapot", "cups"].contains(log.items[Int($0.item)]) })
    }

    @Test("complements leave out the purchase and its family and prefer another kind")
    func complements() throws {
        let log = basketLog(
            [
                ("a", "1", 1, ["knife", "sharpener", "knife-2"]), ("b", "2", 1, ["knife", "sharpener", "knife-2"]),
                ("c", "3", 1, ["knife", "board"]), ("d", "4", 1, ["knife", "board"]), ("e", "5", 1, ["knife", "knife-3"]),
                ("f", "6", 1, ["knife", "knife-3"]), ("g", "7", 1, ["board"]), ("h", "8", 1, ["sharpener"]),
            ] + (0..<8).map { ("s\($0)", "s\($0)", 1, ["spoon", "fork"]) })
        var attributes = ItemAttributes.unknown(count: log.items.count)
        for (item, key) in log.items.enumerated() {
            attributes.kind[item] = key.hasPrefix("knife") ? 0 : 1
            if key == "knife-2" { attributes.family[item] = attributes.family[log.items.firstIndex(of: "knife")!] }
        }
        let model = RecommendationModel.build(log, attributes: attributes, now: 86_400)
        let knife = try #require(model.index["knife"])
        let picks = model.complements(of: [knife], limit: 5).map { log.items[Int($0.item)] }
        #expect(!picks.contains("knife") && !picks.contains("knife-2"))
        // knife-3 is bought with the knife as often as the board but is the same kind: it comes after.
        #expect(picks.prefix(2).sorted() == ["board", "sharpener"], "\(picks)")
        #expect(picks.contains("knife-3"))
        #expect(model.complements(of: [knife], limit: 1).first?.reason == .goesWith(item: knife))
    }

    @Test("a stored model reads back the same, and damaged bytes are refused")
    func storedModel() throws {
        let log = Self.store()
        var attributes = ItemAttributes.unknown(count: log.items.count)
        attributes.categories = ["Coffee", "Tea"]
        for (item, key) in log.items.enumerated() { attributes.category[item] = ["tea", "teapot", "cups"].contains(key) ? 1 : 0 }
        let model = RecommendationModel.build(log, attributes: attributes, now: 50 * 86_400)
        let bytes = model.encoded()
        let read = try RecommendationModel(bytes: bytes)
        #expect(read.items == model.items)
        #expect(read.ranking.byPopularity == model.ranking.byPopularity)
        #expect(read.recentPopularity == model.recentPopularity)
        #expect(read.trendingByCategory == model.trendingByCategory)
        #expect(read.neighbours.item == model.neighbours.item && read.neighbours.weight == model.neighbours.weight)
        #expect(read.together.map { $0.map(\.item) } == model.together.map { $0.map(\.item) })
        #expect(read.reorder.typicalDays == model.reorder.typicalDays)
        #expect(read.parameters == model.parameters)
        let history = [PersonalRecommender.Interaction(item: 0, time: 45 * 86_400, signal: .purchase)]
        #expect(read.personal.recommend(history, limit: 5) == model.personal.recommend(history, limit: 5))
        #expect(read.popular(category: 1, limit: 3).map(\.item) == model.popular(category: 1, limit: 3).map(\.item))

        #expect(throws: (any Error).self) { try RecommendationModel(bytes: Array(bytes.dropLast(3))) }
        #expect(throws: (any Error).self) { try RecommendationModel(bytes: bytes + [0]) }
        var wrongVersion = bytes
        wrongVersion[0] = 99
        #expect(throws: (any Error).self) { try RecommendationModel(bytes: wrongVersion) }
        // Point a neighbour past the last item: refused, never a crash later.
        var writer = ModelBytesWriter()
        writer.int32s([Int32(model.items.count)])
        let offset = try #require(Self.offset(of: model.neighbours.item, in: bytes))
        var corrupt = bytes
        corrupt.replaceSubrange(offset..<offset + 4, with: writer.bytes.suffix(4))
        #expect(throws: (any Error).self) { try RecommendationModel(bytes: corrupt) }
    }

    /// Where the neighbour item array's values start in the encoded bytes.
    static func offset(of values: [Int32], in bytes: [UInt8]) -> Int? {
        var writer = ModelBytesWriter()
        writer.int32s(values)
        let needle = writer.bytes
        guard needle.count > 8, bytes.count >= needle.count else { return nil }
        for start in 0...(bytes.count - needle.count) where bytes[start..<start + needle.count].elementsEqual(needle) {
            return start + 8
        }
        return nil
    }

    @Test("the evaluation holds out each user's last basket and scores HR, recall and NDCG by hand")
    func evaluationProtocol() {
        // u1: baskets at day 1 {a, b} and day 2 {c, d}; u2: {a} then {a}; u3 has one basket (training only).
        let log = basketLog([
            ("u1", "1", 1, ["a", "b"]), ("u1", "2", 2, ["c", "d"]), ("u2", "3", 1, ["a"]), ("u2", "4", 3, ["a"]),
            ("u3", "5", 1, ["c"]),
        ])
        let evaluation = RecommendationEvaluation(log)
        #expect(evaluation.testUsers.count == 2)
        #expect(evaluation.train.basketCount == 3)
        let a = Int32(log.items.firstIndex(of: "a")!)
        let c = Int32(log.items.firstIndex(of: "c")!)
        let d = Int32(log.items.firstIndex(of: "d")!)
        // Everyone gets [d, x, c]: u1 hits d at rank 1 and c at rank 3; u2 misses.
        let x = Int32(log.items.firstIndex(of: "b")!)
        let all = evaluation.measure(k: 3, newItemsOnly: false) { _, excluded, _ in [d, x, c].filter { !excluded.contains($0) } }
        #expect(all.users == 2)
        #expect(all.hitRate == 0.5)
        #expect(all.recall == 0.5)
        let u1 = (1 + 1 / log2(4.0)) / (1 + 1 / log2(3.0))
        #expect(abs(all.ndcg - u1 / 2) < 1e-12)
        // New items only: u2's target {a} was bought in training, so u2 is skipped.
        let new = evaluation.measure(k: 3, newItemsOnly: true) { _, excluded, _ in
            #expect(!excluded.contains(c))
            return [a, c].filter { !excluded.contains($0) }
        }
        #expect(new.users == 1)
        #expect(new.hitRate == 1)
        #expect(new.recall == 0.5)
    }

    @Test("the Online Retail cleaning keeps real product sales only")
    func onlineRetailCleaning() throws {
        let file = """
            InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
            536365,85123a,HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom
            536365,71053,LANTERN,6,2010-12-01 08:20:00,3.39,17850.0,United Kingdom
            536365,71053,LANTERN,2,2010-12-01 08:26:00,3.39,17850.0,United Kingdom
            536365,POST,POSTAGE,1,2010-12-01 08:26:00,18.00,17850.0,United Kingdom
            536366,2233,SHORT,1,2010-12-01 08:28:00,1.00,17850.0,United Kingdom
            C536379,22423,CAKESTAND,-1,2010-12-01 09:41:00,12.75,14527.0,United Kingdom
            536380,22423,CAKESTAND,1,2010-12-01 09:41:00,12.75,,United Kingdom
            536381,22423,CAKESTAND,0,2010-12-01 09:41:00,12.75,14527.0,United Kingdom
            536382,22423,CAKESTAND,2,2010-12-01 09:45:00,12.75,14527.0,United Kingdom
            """
        let log = try BasketsCSV.readOnlineRetail(Array(file.utf8))
        #expect(log.items.sorted() == ["22423", "71053", "85123A"])
        #expect(log.basketKey.sorted() == ["536365", "536382"])
        #expect(log.rowCount == 3)
        #expect(log.basketTime[log.basketKey.firstIndex(of: "536365")!] == 1_291_191_600)
        #expect(throws: TransactionsFileError.self) { try BasketsCSV.read(Array("user,basket,item\nu,b,i\n".utf8)) }
        let plain = try BasketsCSV.read(Array("item,ts,basket,user\nx,2024-01-02T03:04:05Z,b1,u1\n".utf8))
        #expect(plain.users == ["u1"] && plain.items == ["x"] && plain.basketTime == [1_704_164_645])
        #expect(throws: TransactionsFileError.self) { try BasketsCSV.read(Array("user,basket,ts,item\nu,b,yesterday,i\n".utf8)) }
    }
}
