/// How long customers take to buy a product again. Per item: the median gap in days between a
/// customer's consecutive purchases of it (purchases on the same day count once), kept only for items
/// really re-bought: at least `minimumGaps` gaps from at least `minimumCustomers` customers, and at
/// least `minimumRepeatShare` of the item's buyers buying it again. The median ignores the odd
/// year-long gap or next-day top-up.
public struct ReorderIntervals: Sendable {
    /// Typical days between purchases per item; 0 when the item is not re-bought enough to tell.
    public let typicalDays: [Int32]

    public init(
        _ log: BasketLog, minimumGaps: Int = 5, minimumCustomers: Int = 3, minimumRepeatShare: Double = 0.1
    ) {
        var days: [Int64: [Int32]] = [:]
        for basket in 0..<log.basketCount {
            let day = Int32(clamping: log.basketTime[basket] / 86_400)
            for item in log.items(of: basket) {
                days[Int64(log.basketUser[basket]) << 32 | Int64(item), default: []].append(day)
            }
        }
        var gaps = [[Int32]](repeating: [], count: log.items.count)
        var buyers = [Int](repeating: 0, count: log.items.count)
        var repeaters = [Int](repeating: 0, count: log.items.count)
        for (key, purchaseDays) in days {
            let item = Int(key & 0xFFFF_FFFF)
            buyers[item] += 1
            let distinct = Array(Set(purchaseDays)).sorted()
            guard distinct.count > 1 else { continue }
            repeaters[item] += 1
            for (earlier, later) in zip(distinct, distinct.dropFirst()) { gaps[item].append(later - earlier) }
        }
        typicalDays = gaps.indices.map { item in
            guard gaps[item].count >= minimumGaps, repeaters[item] >= minimumCustomers,
                Double(repeaters[item]) >= minimumRepeatShare * Double(buyers[item])
            else { return 0 }
            return max(1, Int32(Self.median(gaps[item]).rounded()))
        }
    }

    public init(typicalDays: [Int32]) { self.typicalDays = typicalDays }

    static func median(_ values: [Int32]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
    }

    public struct Due: Sendable, Equatable {
        public var item: Int32
        public var lastPurchase: Int64
        public var intervalDays: Int32
        /// True when the interval is the customer's own (two or more gaps of their own), not the item's.
        public var personal: Bool
        public var dueAt: Int64 { lastPurchase + Int64(intervalDays) * 86_400 }
    }

    /// When each re-bought item in one customer's purchases (`(item, epoch seconds)`) is next due, soonest first.
    public func due(purchases: [(item: Int32, time: Int64)]) -> [Due] {
        var byItem: [Int32: [Int64]] = [:]
        for purchase in purchases where Int(purchase.item) < typicalDays.count && typicalDays[Int(purchase.item)] > 0 {
            byItem[purchase.item, default: []].append(purchase.time)
        }
        var result: [Due] = []
        for (item, times) in byItem {
            let days = Array(Set(times.map { Int32(clamping: $0 / 86_400) })).sorted()
            let own = zip(days, days.dropFirst()).map { $1 - $0 }
            let personal = own.count >= 2
            let interval = personal ? max(1, Int32(Self.median(own).rounded())) : typicalDays[Int(item)]
            result.append(Due(item: item, lastPurchase: times.max() ?? 0, intervalDays: interval, personal: personal))
        }
        return result.sorted { $0.dueAt != $1.dueAt ? $0.dueAt < $1.dueAt : $0.item < $1.item }
    }
}
