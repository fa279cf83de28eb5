/// How long customers take to buy a product again: per product, the median gap between a customer's
/// consecutive purchases of it (purchases on the same day count once), for products re-bought at least
/// `minimumGaps` times by at least `minimumCustomers` customers. The median ignores the odd year-long
/// gap; products bought once by most people get no interval and never trigger a reminder.
struct ReorderIntervals {
    var typicalDays: [String: Int] = [:]
    /// The latest purchase of each product by each customer (epoch ms).
    var lastPurchase: [Pair: Int64] = [:]

    struct Pair: Hashable {
        let customer: Int64
        let product: String
    }

    init(purchases: [(customer: Int64, product: String, at: Int64)], minimumGaps: Int = 5, minimumCustomers: Int = 3) {
        var days: [Pair: Set<Int64>] = [:]
        for purchase in purchases {
            days[Pair(customer: purchase.customer, product: purchase.product), default: []].insert(purchase.at / 86_400_000)
            let pair = Pair(customer: purchase.customer, product: purchase.product)
            lastPurchase[pair] = max(lastPurchase[pair] ?? .min, purchase.at)
        }
        var gaps: [String: [Int64]] = [:]
        var repeaters: [String: Int] = [:]
        for (pair, set) in days where set.count > 1 {
            let sorted = set.sorted()
            repeaters[pair.product, default: 0] += 1
            for (earlier, later) in zip(sorted, sorted.dropFirst()) { gaps[pair.product, default: []].append(later - earlier) }
        }
        for (product, productGaps) in gaps where productGaps.count >= minimumGaps && (repeaters[product] ?? 0) >= minimumCustomers
        {
            let sorted = productGaps.sorted()
            let middle = sorted.count / 2
            let median = sorted.count % 2 == 1 ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
            typicalDays[product] = max(1, Int(median.rounded()))
        }
    }
}
