/// Every order of a store in columns, grouped by customer and sorted by time within each customer.
/// Customer `i` owns orders `orderStart[i] ..< orderStart[i + 1]`. Times are epoch seconds (UTC),
/// amounts are net of refunds in the store's major currency unit.
public struct OrderSnapshot: Sendable {
    public let customerKeys: [String]
    public let orderStart: [Int]
    public let orderTimes: [Int64]
    public let orderAmounts: [Double]

    public var customerCount: Int { customerKeys.count }
    public var orderCount: Int { orderTimes.count }

    public init(customerKeys: [String], orderStart: [Int], orderTimes: [Int64], orderAmounts: [Double]) {
        precondition(orderStart.count == customerKeys.count + 1, "orderStart needs one offset per customer plus one")
        precondition(orderTimes.count == orderAmounts.count, "order columns differ in length")
        self.customerKeys = customerKeys
        self.orderStart = orderStart
        self.orderTimes = orderTimes
        self.orderAmounts = orderAmounts
    }

    public func orders(of customer: Int) -> Range<Int> {
        orderStart[customer]..<orderStart[customer + 1]
    }
}

/// Collects orders in any order and builds an ``OrderSnapshot`` with a counting sort by customer
/// (linear time), then a per-customer insertion sort by time, which is linear when rows arrive
/// already in time order, as they do from an index scan.
public struct OrderSnapshotBuilder: Sendable {
    private var keys: [String] = []
    private var indexByKey: [String: Int32] = [:]
    private var rowCustomer: [Int32] = []
    private var rowTime: [Int64] = []
    private var rowAmount: [Double] = []

    /// Set when keys came in bulk: the key index is built only if a lookup by key is ever needed.
    private var keyIndexPending = false

    public init(expectedOrders: Int = 0) {
        rowCustomer.reserveCapacity(expectedOrders)
        rowTime.reserveCapacity(expectedOrders)
        rowAmount.reserveCapacity(expectedOrders)
    }

    /// Starts with known, distinct customers: customer `i` is `customerKeys[i]`. Callers that append by
    /// index (``append(customerIndex:time:amount:)``) never pay for hashing a million keys.
    public init(customerKeys: [String], expectedOrders: Int = 0) {
        self.init(expectedOrders: expectedOrders)
        keys = customerKeys
        keyIndexPending = !customerKeys.isEmpty
    }

    /// Registers a customer without orders yet (so customers with no orders still get an index).
    @discardableResult
    public mutating func customer(_ key: String) -> Int32 {
        if keyIndexPending {
            indexByKey = Dictionary(keys.enumerated().map { ($1, Int32($0)) }) { first, _ in first }
            keyIndexPending = false
        }
        if let index = indexByKey[key] { return index }
        let index = Int32(keys.count)
        keys.append(key)
        indexByKey[key] = index
        return index
    }

    public mutating func append(customer key: String, time: Int64, amount: Double) {
        append(customerIndex: customer(key), time: time, amount: amount)
    }

    /// Fast path for callers that manage customer indexes themselves (from ``customer(_:)``).
    public mutating func append(customerIndex: Int32, time: Int64, amount: Double) {
        rowCustomer.append(customerIndex)
        rowTime.append(time)
        rowAmount.append(amount)
    }

    public var orderCount: Int { rowTime.count }

    public consuming func build() -> OrderSnapshot {
        let customerCount = keys.count
        var start = [Int](repeating: 0, count: customerCount + 1)
        for customer in rowCustomer { start[Int(customer) + 1] += 1 }
        for index in 0..<customerCount { start[index + 1] += start[index] }
        var cursor = start
        var times = [Int64](repeating: 0, count: rowTime.count)
        var amounts = [Double](repeating: 0, count: rowTime.count)
        for row in 0..<rowCustomer.count {
            let customer = Int(rowCustomer[row])
            let slot = cursor[customer]
            cursor[customer] = slot + 1
            times[slot] = rowTime[row]
            amounts[slot] = rowAmount[row]
        }
        for customer in 0..<customerCount {
            Self.insertionSortByTime(&times, &amounts, start[customer]..<start[customer + 1])
        }
        return OrderSnapshot(customerKeys: keys, orderStart: start, orderTimes: times, orderAmounts: amounts)
    }

    private static func insertionSortByTime(_ times: inout [Int64], _ amounts: inout [Double], _ range: Range<Int>) {
        guard range.count > 1 else { return }
        for index in (range.lowerBound + 1)..<range.upperBound {
            let time = times[index]
            let amount = amounts[index]
            var hole = index
            while hole > range.lowerBound && times[hole - 1] > time {
                times[hole] = times[hole - 1]
                amounts[hole] = amounts[hole - 1]
                hole -= 1
            }
            times[hole] = time
            amounts[hole] = amount
        }
    }
}
