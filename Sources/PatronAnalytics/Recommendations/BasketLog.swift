/// Purchases grouped into baskets, in columns: the input every recommendation model is built from.
/// Users, items and baskets are dense indexes; basket `b` holds the distinct items
/// `basketItems[basketStart[b] ..< basketStart[b + 1]]`, bought by `basketUser[b]` at `basketTime[b]`
/// (epoch seconds). `basketKey` keeps the source's basket id, used to order same-time baskets.
public struct BasketLog: Sendable {
    public let users: [String]
    public let items: [String]
    public let basketUser: [Int32]
    public let basketTime: [Int64]
    public let basketKey: [String]
    public let basketStart: [Int]
    public let basketItems: [Int32]

    public var basketCount: Int { basketTime.count }
    public var rowCount: Int { basketItems.count }

    public func items(of basket: Int) -> ArraySlice<Int32> {
        basketItems[basketStart[basket]..<basketStart[basket + 1]]
    }

    /// Each user's baskets in time order (then by basket id as a string).
    public func basketsByUser() -> [[Int]] {
        var byUser = [[Int]](repeating: [], count: users.count)
        for basket in 0..<basketCount { byUser[Int(basketUser[basket])].append(basket) }
        for user in byUser.indices where byUser[user].count > 1 {
            byUser[user].sort {
                basketTime[$0] != basketTime[$1] ? basketTime[$0] < basketTime[$1] : basketKey[$0] < basketKey[$1]
            }
        }
        return byUser
    }

    /// The same users and items with only the baskets `keep` accepts.
    public func filtered(_ keep: (Int) -> Bool) -> BasketLog {
        var start = [0]
        var kept: [Int32] = []
        var user: [Int32] = []
        var time: [Int64] = []
        var key: [String] = []
        for basket in 0..<basketCount where keep(basket) {
            kept.append(contentsOf: items(of: basket))
            start.append(kept.count)
            user.append(basketUser[basket])
            time.append(basketTime[basket])
            key.append(basketKey[basket])
        }
        return BasketLog(
            users: users, items: items, basketUser: user, basketTime: time, basketKey: key, basketStart: start,
            basketItems: kept)
    }

    init(
        users: [String], items: [String], basketUser: [Int32], basketTime: [Int64], basketKey: [String],
        basketStart: [Int], basketItems: [Int32]
    ) {
        self.users = users
        self.items = items
        self.basketUser = basketUser
        self.basketTime = basketTime
        self.basketKey = basketKey
        self.basketStart = basketStart
        self.basketItems = basketItems
    }
}

/// Collects `(user, basket, time, item)` rows in any order. A basket's time is its earliest row's, an
/// item counts once per basket, and a basket id names one basket whoever it is filed under (the first
/// row's user wins).
public struct BasketLogBuilder: Sendable {
    private var userIndex: [String: Int32] = [:]
    private var itemIndex: [String: Int32] = [:]
    private var basketIndex: [String: Int32] = [:]
    private var users: [String] = []
    private var items: [String] = []
    private var basketKeys: [String] = []
    private var basketUser: [Int32] = []
    private var basketTime: [Int64] = []
    private var basketItemSets: [[Int32]] = []

    public init() {}

    public var rowCount: Int { basketItemSets.reduce(0) { $0 + $1.count } }

    /// Makes `item` known even if no basket holds it (a catalog product not sold yet); returns its index.
    @discardableResult
    public mutating func register(item: String) -> Int32 {
        Self.index(of: item, in: &itemIndex, list: &items)
    }

    public mutating func append(user: String, basket: String, time: Int64, item: String) {
        let userSlot = Self.index(of: user, in: &userIndex, list: &users)
        let itemSlot = Self.index(of: item, in: &itemIndex, list: &items)
        if let slot = basketIndex[basket] {
            let index = Int(slot)
            basketTime[index] = min(basketTime[index], time)
            if !basketItemSets[index].contains(itemSlot) { basketItemSets[index].append(itemSlot) }
        } else {
            basketIndex[basket] = Int32(basketKeys.count)
            basketKeys.append(basket)
            basketUser.append(userSlot)
            basketTime.append(time)
            basketItemSets.append([itemSlot])
        }
    }

    public func build() -> BasketLog {
        var start = [0]
        start.reserveCapacity(basketKeys.count + 1)
        var flat: [Int32] = []
        flat.reserveCapacity(rowCount)
        for set in basketItemSets {
            flat.append(contentsOf: set)
            start.append(flat.count)
        }
        return BasketLog(
            users: users, items: items, basketUser: basketUser, basketTime: basketTime, basketKey: basketKeys,
            basketStart: start, basketItems: flat)
    }

    private static func index(of key: String, in index: inout [String: Int32], list: inout [String]) -> Int32 {
        if let slot = index[key] { return slot }
        let slot = Int32(list.count)
        index[key] = slot
        list.append(key)
        return slot
    }
}
