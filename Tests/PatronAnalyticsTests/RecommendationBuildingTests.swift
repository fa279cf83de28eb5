import Foundation
import Testing

@testable import PatronAnalytics

/// Builds logs from `(user, basket, day, items)` rows.
func basketLog(_ rows: [(String, String, Int64, [String])]) -> BasketLog {
    var builder = BasketLogBuilder()
    for (user, basket, day, items) in rows {
        for item in items { builder.append(user: user, basket: basket, time: day * 86_400, item: item) }
    }
    return builder.build()
}

@Suite("Recommendations: baskets, co-purchase statistics, reorder intervals")
struct RecommendationBuildingTests {
    @Test("a basket keeps its earliest time and each item once; a user's baskets sort by time, then id")
    func basketLogBuilding() {
        var builder = BasketLogBuilder()
        builder.append(user: "u1", basket: "b2", time: 500, item: "tea")
        builder.append(user: "u1", basket: "b2", time: 400, item: "tea")
        builder.append(user: "u1", basket: "b2", time: 450, item: "cup")
        builder.append(user: "u1", basket: "b10", time: 400, item: "tea")
        builder.append(user: "u1", basket: "b1", time: 100, item: "pot")
        builder.register(item: "unsold")
        let log = builder.build()
        #expect(log.basketCount == 3)
        #expect(log.rowCount == 4)
        #expect(log.items == ["tea", "cup", "pot", "unsold"])
        #expect(log.basketTime == [400, 400, 100])
        #expect(log.items(of: 0).map { log.items[Int($0)] } == ["tea", "cup"])
        // b10 and b2 share a time: "b10" < "b2" as strings.
        #expect(log.basketsByUser()[0].map { log.basketKey[$0] } == ["b1", "b10", "b2"])
    }

    @Test("bought together: support, confidence and lift, noise and variants left out")
    func boughtTogether() {
        // 10 baskets: knife+sharpener in 4, knife alone in 2, sharpener+board once, board alone 3 times.
        var rows: [(String, String, Int64, [String])] = []
        for n in 0..<4 { rows.append(("u\(n)", "k\(n)", 1, ["knife", "sharpener"])) }
        for n in 0..<2 { rows.append(("v\(n)", "ka\(n)", 1, ["knife"])) }
        rows.append(("w", "sb", 1, ["sharpener", "board"]))
        for n in 0..<3 { rows.append(("x\(n)", "b\(n)", 1, ["board", "knife-blue"])) }
        let log = basketLog(rows)
        let knife = Int32(log.items.firstIndex(of: "knife")!)
        let sharpener = Int32(log.items.firstIndex(of: "sharpener")!)
        let together = BoughtTogether(log, groups: nil)
        let pair = try! #require(together.pairs[Int(knife)].first)
        #expect(pair.item == sharpener)
        #expect(pair.baskets == 4)
        #expect(abs(pair.support - 0.4) < 1e-12)
        #expect(abs(pair.confidence - 4.0 / 6.0) < 1e-12)
        // Sharpener is in 5 of 10 baskets: lift = (4/6) / (5/10).
        #expect(abs(pair.lift - (4.0 / 6.0) / 0.5) < 1e-12)
        // Sharpener and board share one basket: below the two-basket minimum.
        #expect(!together.pairs[Int(sharpener)].contains { log.items[Int($0.item)] == "board" })

        let attributes = ItemAttributes.codePrefix(log.items, length: 5)
        let grouped = BoughtTogether(log, groups: attributes.family)
        let board = log.items.firstIndex(of: "board")!
        #expect(together.pairs[board].map { log.items[Int($0.item)] } == ["knife-blue"])
        // "knife" and "knife-blue" share the family "knife" only through the prefix: board's pair survives,
        // but no knife is ever paired with another knife.
        for item in log.items.indices where log.items[item].hasPrefix("knife") {
            #expect(!grouped.pairs[item].contains { log.items[Int($0.item)].hasPrefix("knife") })
        }
    }

    @Test("reorder intervals: the median gap of real re-buys, none for one-off products, a customer's own rhythm")
    func reorderIntervals() {
        var rows: [(String, String, Int64, [String])] = []
        // Coffee: three customers every ~30 days; customer 3 also after a year-long break.
        for customer in 1...3 {
            for n in 0..<4 { rows.append(("c\(customer)", "c\(customer)-\(n)", Int64(n * 30 + customer), ["coffee"])) }
        }
        rows.append(("c3", "c3-late", 90 + 3 + 365, ["coffee"]))
        // Same day twice counts once.
        rows.append(("c1", "c1-again", 1, ["coffee"]))
        // A kettle everyone buys once, one customer twice: not a consumable.
        for customer in 1...5 { rows.append(("k\(customer)", "k\(customer)", Int64(customer), ["kettle"])) }
        rows.append(("k1", "k1-again", 200, ["kettle"]))
        let log = basketLog(rows)
        let intervals = ReorderIntervals(log)
        let coffee = log.items.firstIndex(of: "coffee")!
        let kettle = log.items.firstIndex(of: "kettle")!
        #expect(intervals.typicalDays[coffee] == 30)
        #expect(intervals.typicalDays[kettle] == 0)

        let day: Int64 = 86_400
        let once = intervals.due(purchases: [(Int32(coffee), 100 * day), (Int32(kettle), 50 * day)])
        #expect(once == [ReorderIntervals.Due(item: Int32(coffee), lastPurchase: 100 * day, intervalDays: 30, personal: false)])
        let own = intervals.due(purchases: [(Int32(coffee), 0), (Int32(coffee), 10 * day), (Int32(coffee), 22 * day)])
        #expect(own.first?.intervalDays == 11)
        #expect(own.first?.personal == true)
        #expect(own.first?.dueAt == 33 * day)
    }

    @Test("similar items: same kind only, other variants of the family first, then shared traits")
    func similarItems() {
        let keys = ["mug-red", "mug-blue", "cup-white", "cup-stone", "plate"]
        let attributes = ItemAttributes(
            family: [0, 0, 1, 2, 3], kind: [0, 0, 0, 0, 1], category: [-1, -1, -1, -1, -1], categories: [],
            traits: [["stoneware"], ["stoneware"], ["porcelain"], ["stoneware"], ["stoneware"]])
        let ranking = ItemRanking(popularity: [1, 1, 5, 1, 9], keys: keys)
        let similar = SimilarItems(attributes, ranking: ranking)
        #expect(similar.lists[0].map { keys[Int($0)] } == ["mug-blue", "cup-stone", "cup-white"])
        #expect(similar.lists[4].isEmpty)
    }

    @Test("the ranking breaks ties by popularity, then by key, and fills from best-sellers")
    func ranking() {
        let ranking = ItemRanking(popularity: [3, 5, 5, 1], keys: ["d", "c", "b", "a"])
        #expect(ranking.byPopularity == [2, 1, 0, 3])
        #expect(ranking.top(3, scores: [3: 1, 0: 1]) == [0, 3, 2])
        #expect(ranking.top(3, scores: [3: 2], fill: false) == [3])
        #expect(ranking.top(2, scores: [:]) { $0 == 2 } == [1, 0])
    }
}
