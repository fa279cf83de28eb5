import Dispatch

/// What a synthetic store looks like: how many customers, when they arrive, and the buy-till-you-die and spend
/// parameters each customer's behaviour is drawn from. Rates and times are in days.
///
/// Each customer makes a first purchase at a uniform time in the acquisition window, then buys as a Poisson process
/// with rate λ ~ Gamma(r, α) per day, and after each purchase drops out for good with probability p ~ Beta(a, b)
/// (see ``DropoutRule`` for whether the first purchase counts), until the observation end. Each order's amount is
/// Gamma(shape p, rate ν) with ν ~ Gamma(q, γ) per customer (the Gamma-Gamma spend model), rounded to cents.
///
/// The defaults (r = 2, α = 49, a = 2, b = 20; p = 6, q = 4, γ = 30) give ``expectedOrdersPerCustomer`` ≈ 9.99,
/// so a million customers place about ten million orders, and a mean order value of p·γ / (q − 1) = 60.
public struct SyntheticStoreParameters: Sendable, Equatable {
    /// When a customer may drop out.
    public enum DropoutRule: Sendable, Equatable {
        /// After every purchase, the first included: the MBG/NBD process (Batislam et al. 2007). A customer may
        /// never come back after the first order.
        case afterEveryPurchase
        /// After every repeat purchase: the BG/NBD process (Fader, Hardie & Lee 2005), where every customer is
        /// alive until at least the first repeat purchase.
        case afterRepeatPurchases
    }

    public var customers: Int
    public var seed: UInt64
    /// The start of the acquisition window, epoch seconds (UTC).
    public var start: Int64
    public var acquisitionWindowDays: Int
    /// The instant after which no orders are generated, epoch seconds (UTC).
    public var observationEnd: Int64
    /// Shape of the Gamma distribution of purchase rates.
    public var r: Double
    /// Rate (inverse scale, days) of the Gamma distribution of purchase rates.
    public var alpha: Double
    /// First shape of the Beta distribution of dropout probabilities.
    public var a: Double
    /// Second shape of the Beta distribution of dropout probabilities.
    public var b: Double
    /// Shape of each order amount's Gamma distribution.
    public var p: Double
    /// Shape of the Gamma distribution of the customers' spend rates ν.
    public var q: Double
    /// Rate of the Gamma distribution of the customers' spend rates ν.
    public var gamma: Double
    public var dropoutRule: DropoutRule

    /// `start` defaults to 2022-01-01T00:00:00Z and `observationEnd` to `start` + 730 days.
    public init(
        customers: Int = 1_000_000, seed: UInt64 = 1, start: Int64 = 1_640_995_200, acquisitionWindowDays: Int = 365,
        observationEnd: Int64? = nil, r: Double = 2, alpha: Double = 49, a: Double = 2, b: Double = 20,
        p: Double = 6, q: Double = 4, gamma: Double = 30, dropoutRule: DropoutRule = .afterEveryPurchase
    ) {
        self.customers = customers
        self.seed = seed
        self.start = start
        self.acquisitionWindowDays = acquisitionWindowDays
        self.observationEnd = observationEnd ?? start + 730 * 86_400
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
        self.p = p
        self.q = q
        self.gamma = gamma
        self.dropoutRule = dropoutRule
    }

    /// The observation period in days.
    public var horizonDays: Double { Double(observationEnd - start) / 86_400 }

    /// The expected number of orders per customer, the first included: 1 + E[X(T)] averaged over the customer's
    /// time T from first purchase to the observation end, which is uniform over the last `acquisitionWindowDays`
    /// of the horizon. E[X(t)] is the closed form of the repeat purchases in (0, t]:
    /// BG/NBD `(a+b−1)/(a−1) · [1 − (α/(α+t))^r · ₂F₁(r, b; a+b−1; t/(α+t))]`,
    /// MBG/NBD `b/(a−1) · [1 − (α/(α+t))^r · ₂F₁(r, b+1; a+b; t/(α+t))]`.
    public var expectedOrdersPerCustomer: Double {
        let horizon = horizonDays
        let window = Double(acquisitionWindowDays)
        if window == 0 { return 1 + expectedRepeatPurchases(within: horizon) }
        // Composite Simpson over T in [horizon - window, horizon]; the integrand is smooth.
        let intervals = 256
        let step = window / Double(intervals)
        var sum = 0.0
        for index in 0...intervals {
            let weight: Double = index == 0 || index == intervals ? 1 : (index % 2 == 1 ? 4 : 2)
            sum += weight * expectedRepeatPurchases(within: horizon - window + Double(index) * step)
        }
        return 1 + sum * step / 3 / window
    }

    /// ``expectedOrdersPerCustomer`` times ``customers``.
    public var expectedOrders: Double { expectedOrdersPerCustomer * Double(customers) }

    /// The mean order amount, p·γ / (q − 1) (infinite when q ≤ 1).
    public var expectedOrderAmount: Double { q > 1 ? p * gamma / (q - 1) : .infinity }

    /// E[X(t)], the expected repeat purchases in a customer's first `t` days after the first purchase.
    func expectedRepeatPurchases(within t: Double) -> Double {
        guard t > 0 else { return 0 }
        // The closed form is analytic in a but has a removable singularity at a = 1: average either side.
        if abs(a - 1) < 1e-6 {
            return (expectedRepeatPurchases(within: t, a: 1 - 1e-5) + expectedRepeatPurchases(within: t, a: 1 + 1e-5)) / 2
        }
        return expectedRepeatPurchases(within: t, a: a)
    }

    private func expectedRepeatPurchases(within t: Double, a: Double) -> Double {
        let z = t / (alpha + t)
        let survival = Self.power(alpha / (alpha + t), r)
        switch dropoutRule {
        case .afterRepeatPurchases:
            return (a + b - 1) / (a - 1) * (1 - survival * Self.hypergeometric2F1(r, b, a + b - 1, z))
        case .afterEveryPurchase:
            return b / (a - 1) * (1 - survival * Self.hypergeometric2F1(r, b + 1, a + b, z))
        }
    }

    private static func power(_ base: Double, _ exponent: Double) -> Double {
        PortableMath.exp(exponent * PortableMath.log(base))
    }

    /// ₂F₁(a, b; c; z) for 0 ≤ z < 1 by its power series.
    private static func hypergeometric2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        var term = 1.0
        var sum = 1.0
        var n = 0.0
        while n < 1_000_000 {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
            sum += term
            if abs(term) <= 1e-17 * abs(sum) && n > 2 { break }
            n += 1
        }
        return sum
    }

    fileprivate func validate() {
        precondition(customers >= 0 && customers < Int(Int32.max), "customers must be in 0..<Int32.max")
        precondition(acquisitionWindowDays >= 0, "acquisitionWindowDays must not be negative")
        precondition(
            observationEnd >= start + Int64(acquisitionWindowDays) * 86_400,
            "the observation must not end before the acquisition window does")
        for (name, value) in [("r", r), ("alpha", alpha), ("a", a), ("b", b), ("p", p), ("q", q), ("gamma", gamma)] {
            precondition(value > 0 && value.isFinite, "\(name) must be positive and finite")
        }
    }
}

/// Generates synthetic stores for tests and benchmarks; the same parameters (seed included) always give the same
/// snapshot, whatever the machine and however many threads did the work.
public enum SyntheticStoreGenerator {
    /// Customers per independently seeded block, the unit of parallel work.
    static let defaultBlockSize = 16_384

    public static func generate(_ parameters: SyntheticStoreParameters) -> OrderSnapshot {
        generate(parameters, parallel: true, blockSize: defaultBlockSize)
    }

    /// `blockSize` changes the output (each block has its own random stream); `parallel` does not.
    static func generate(_ parameters: SyntheticStoreParameters, parallel: Bool, blockSize: Int) -> OrderSnapshot {
        parameters.validate()
        precondition(blockSize > 0, "blockSize must be positive")
        let plan = BlockPlan(parameters: parameters)
        let blockCount = (parameters.customers + blockSize - 1) / blockSize
        let slots = BlockSlots(count: blockCount)
        let makeBlock: @Sendable (Int) -> Void = { block in
            let lower = block * blockSize
            let upper = min(lower + blockSize, parameters.customers)
            slots.store(plan.generate(customers: lower..<upper, block: block), at: block)
        }
        if parallel && blockCount > 1 {
            DispatchQueue.concurrentPerform(iterations: blockCount, execute: makeBlock)
        } else {
            for block in 0..<blockCount { makeBlock(block) }
        }
        return slots.merge(customerCount: parameters.customers)
    }
}

/// One block of customers' orders, in snapshot layout.
private struct GeneratedBlock: Sendable {
    var keys: [String] = []
    var orderCounts: [Int32] = []
    var times: [Int64] = []
    var amounts: [Double] = []
}

/// The per-store constants every block needs, computed once.
private struct BlockPlan: Sendable {
    let parameters: SyntheticStoreParameters
    let purchaseRate: GammaShape
    let spendRate: GammaShape
    let orderAmount: GammaShape
    let expectedOrdersPerCustomer: Double
    /// Purchases before the first chance to drop out, beyond the first one: 1 under BG/NBD, 0 under MBG/NBD.
    let purchasesBeforeFirstDropoutChance: Int

    init(parameters: SyntheticStoreParameters) {
        self.parameters = parameters
        purchaseRate = GammaShape(parameters.r)
        spendRate = GammaShape(parameters.q)
        orderAmount = GammaShape(parameters.p)
        expectedOrdersPerCustomer = parameters.expectedOrdersPerCustomer
        purchasesBeforeFirstDropoutChance = parameters.dropoutRule == .afterEveryPurchase ? 0 : 1
    }

    func generate(customers: Range<Int>, block: Int) -> GeneratedBlock {
        var random = SeededGenerator(seed: parameters.seed, stream: UInt64(block))
        var output = GeneratedBlock()
        let expected = Double(customers.count) * expectedOrdersPerCustomer * 1.05 + 16
        let capacity = expected.isFinite ? Int(min(expected, 1e9)) : 16
        output.keys.reserveCapacity(customers.count)
        output.orderCounts.reserveCapacity(customers.count)
        output.times.reserveCapacity(capacity)
        output.amounts.reserveCapacity(capacity)

        let start = parameters.start
        let end = parameters.observationEnd
        let horizon = parameters.horizonDays
        let window = Double(parameters.acquisitionWindowDays)
        let alpha = parameters.alpha
        let gamma = parameters.gamma
        let a = parameters.a
        let b = parameters.b
        let hours = TimeOfDay.hourBySlot
        for customer in customers {
            output.keys.append(Self.key(customer + 1))
            let lambda = purchaseRate.sample(rate: alpha, using: &random)
            let dropout = random.beta(a, b)
            let nu = spendRate.sample(rate: gamma, using: &random)
            var remaining = purchasesBeforeDropout(probability: dropout, using: &random)
            let firstOrder = output.times.count
            var elapsedDays = window * random.uniform()
            while true {
                let time = Self.timestamp(elapsedDays: elapsedDays, start: start, end: end, hours: hours, using: &random)
                output.times.append(time)
                output.amounts.append(Self.roundedToCents(orderAmount.sample(rate: nu, using: &random)))
                remaining -= 1
                if remaining == 0 { break }
                elapsedDays += random.exponential(rate: lambda)
                if !(elapsedDays < horizon) { break }
            }
            Self.sortTail(&output.times, from: firstOrder)
            output.orderCounts.append(Int32(output.times.count - firstOrder))
        }
        return output
    }

    /// How many purchases a customer makes before dropping out if never censored: geometric, drawn once instead of
    /// a coin flip after every purchase (same distribution, fewer random numbers).
    private func purchasesBeforeDropout(probability: Double, using random: inout SeededGenerator) -> Int {
        let logSurvival = PortableMath.log(1 - probability)
        guard logSurvival < 0 else { return Int.max }
        let extra = (PortableMath.log(random.uniform()) / logSurvival).rounded(.down)
        return extra < 1e15 ? 1 + purchasesBeforeFirstDropoutChance + Int(extra) : Int.max
    }

    /// The order's model time fixes its UTC day; the time of day is drawn from a daily shopping profile.
    private static func timestamp(
        elapsedDays: Double, start: Int64, end: Int64, hours: [UInt8], using random: inout SeededGenerator
    ) -> Int64 {
        // Truncation is the floor here (elapsedDays >= 0), and unlike rounded(.down) one instruction on baseline x86-64.
        let instant = start + Int64(elapsedDays * 86_400)
        let midnight = instant - ((instant % 86_400) + 86_400) % 86_400
        let bits = random.next()
        let hour = Int64(hours[Int((bits >> 32) % UInt64(hours.count))])
        let secondOfHour = Int64((bits & 0xFFFF_FFFF) % 3_600)
        return min(max(midnight + hour * 3_600 + secondOfHour, start), end)
    }

    /// A positive amount rounded half up to cents, at least 0.01.
    private static func roundedToCents(_ amount: Double) -> Double {
        let scaled = amount * 100
        let cents = scaled < 1e15 ? Double(Int64(scaled + 0.5)) : scaled.rounded()
        return max(cents, 1) / 100
    }

    /// Orders of one customer are generated in day order, but two on the same day may get their times of day
    /// the wrong way round: an insertion sort of the customer's orders fixes that in linear time. Amounts are
    /// independent of times, so they need not move with them.
    private static func sortTail(_ times: inout [Int64], from lower: Int) {
        var index = lower + 1
        while index < times.count {
            let time = times[index]
            var hole = index
            while hole > lower && times[hole - 1] > time {
                times[hole] = times[hole - 1]
                hole -= 1
            }
            times[hole] = time
            index += 1
        }
    }

    /// "c" followed by the decimal number, built without intermediate strings.
    private static func key(_ number: Int) -> String {
        var digits = 1
        var scale = 10
        while scale <= number {
            digits += 1
            scale *= 10
        }
        return String(unsafeUninitializedCapacity: digits + 1) { buffer in
            buffer[0] = UInt8(ascii: "c")
            var rest = number
            for position in stride(from: digits, through: 1, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            return digits + 1
        }
    }
}

/// When in the day people shop (UTC read as store-local time): quiet nights, a lunchtime bump and an evening peak.
private enum TimeOfDay {
    /// Relative order volume per hour, summing to 1,000.
    private static let weights: [Int] = [
        18, 11, 7, 5, 5, 8, 16, 27, 36, 45, 50, 54, 58, 54, 50, 50, 50, 54, 58, 67, 72, 67, 50, 38,
    ]

    /// Hour for each of 1,000 equally likely slots.
    static let hourBySlot: [UInt8] = {
        var table: [UInt8] = []
        for (hour, weight) in weights.enumerated() {
            table.append(contentsOf: repeatElement(UInt8(hour), count: weight))
        }
        return table
    }()
}

/// One slot per block; each concurrent iteration writes only its own slot, through a pointer so no two threads
/// ever access the same Swift property.
private final class BlockSlots: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<GeneratedBlock>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = UnsafeMutablePointer<GeneratedBlock>.allocate(capacity: count)
        slots.initialize(repeating: GeneratedBlock(), count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func store(_ block: GeneratedBlock, at index: Int) {
        slots[index] = block
    }

    /// Concatenates the blocks into a snapshot, releasing each block once copied.
    func merge(customerCount: Int) -> OrderSnapshot {
        var orderTotal = 0
        for index in 0..<count { orderTotal += slots[index].times.count }
        var keys: [String] = []
        keys.reserveCapacity(customerCount)
        var orderStart: [Int] = []
        orderStart.reserveCapacity(customerCount + 1)
        orderStart.append(0)
        var times: [Int64] = []
        times.reserveCapacity(orderTotal)
        var amounts: [Double] = []
        amounts.reserveCapacity(orderTotal)
        for index in 0..<count {
            let block = slots[index]
            slots[index] = GeneratedBlock()
            keys.append(contentsOf: block.keys)
            var offset = times.count
            for orders in block.orderCounts {
                offset += Int(orders)
                orderStart.append(offset)
            }
            times.append(contentsOf: block.times)
            amounts.append(contentsOf: block.amounts)
        }
        return OrderSnapshot(customerKeys: keys, orderStart: orderStart, orderTimes: times, orderAmounts: amounts)
    }
}
