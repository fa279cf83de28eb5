/// The inverted index of a basket log: for each item, the baskets that contain it.
struct ItemBaskets {
    let start: [Int]
    let baskets: [Int32]

    init(_ log: BasketLog) {
        var start = [Int](repeating: 0, count: log.items.count + 1)
        for item in log.basketItems { start[Int(item) + 1] += 1 }
        for item in 0..<log.items.count { start[item + 1] += start[item] }
        var cursor = start
        var baskets = [Int32](repeating: 0, count: log.basketItems.count)
        for basket in 0..<log.basketCount {
            for item in log.items(of: basket) {
                baskets[cursor[Int(item)]] = Int32(basket)
                cursor[Int(item)] += 1
            }
        }
        self.start = start
        self.baskets = baskets
    }

    func baskets(of item: Int) -> ArraySlice<Int32> { baskets[start[item]..<start[item + 1]] }
    func count(of item: Int) -> Int { start[item + 1] - start[item] }
}

/// Accumulates sparse per-item sums in a dense scratch row, remembering which entries were touched so
/// that clearing costs only what was written.
struct SparseAccumulator {
    var values: [Double]
    var touched: [Int32] = []

    init(size: Int) { values = [Double](repeating: 0, count: size) }

    mutating func add(_ item: Int32, _ amount: Double) {
        if values[Int(item)] == 0 { touched.append(item) }
        values[Int(item)] += amount
    }

    /// The touched entries, then a reset.
    mutating func drain() -> [(item: Int32, value: Double)] {
        let result = touched.map { (item: $0, value: values[Int($0)]) }
        for item in touched { values[Int(item)] = 0 }
        touched.removeAll(keepingCapacity: true)
        return result
    }
}
