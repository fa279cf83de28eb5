/// One planned purchase before it becomes an `OrderInput`.
struct DemoPurchase: Sendable {
    struct Line: Sendable {
        let product: Int
        let variant: Int
        let quantity: Int
    }

    let customer: Int
    /// Position of this purchase in the customer's history (0 = first order).
    let sequence: Int
    let placedAt: Int
    let lines: [Line]
    let discount: DemoDiscount?
}

struct DemoDiscount: Sendable {
    let code: String
    let percent: Int

    static let welcome = DemoDiscount(code: "WELCOME10", percent: 10)
    static let summer = DemoDiscount(code: "SUMMER15", percent: 15)
    static let vip = DemoDiscount(code: "VIP20", percent: 20)
}

/// How a customer buys over time, and what the planner concluded for their profile.
struct DemoBuyerSummary: Sendable {
    enum Kind: Sendable { case browser, oneTime, repeating, loyal }

    let kind: Kind
    /// Epoch seconds after which the customer stopped visiting (churned customers), else `now`.
    let activeUntil: Int
}

/// Draws each customer's purchase history: one-time vs repeat vs loyal buyers, gaps per customer,
/// churn a year ago, holiday seasonality and replenishment of consumables.
struct DemoPurchasePlanner {
    let seed: UInt64
    let now: Int
    let catalog: DemoProductCatalog

    func plan(_ customer: DemoCustomer, index: Int, into purchases: inout [DemoPurchase]) -> DemoBuyerSummary {
        var random = DemoRandom(seed: seed, stream: 3, index: index)
        let day = DemoTime.day
        if random.chance(0.1) { return DemoBuyerSummary(kind: .browser, activeUntil: now) }
        let offset = customer.utcOffset
        let delay = firstOrderDelay(&random)
        var firstOrder = customer.createdAt + delay
        if delay > DemoTime.day {
            firstOrder = max(
                customer.createdAt + delay / 2, DemoTimeZones.atShoppingHour(firstOrder, offset: offset, &random))
        }
        guard firstOrder < now else { return DemoBuyerSummary(kind: .browser, activeUntil: now) }
        // About a third of buyers come back; how often is a smooth, long-tailed draw, and the heaviest
        // buyers (8 to 20 orders) need enough history to have placed them.
        var kind = DemoBuyerSummary.Kind.oneTime
        var target = 1
        if random.chance(0.33) {
            target = 2 + min(18, Int(random.exponential(mean: 6)))
            if target >= 8, now - firstOrder < 150 * day { target = 2 + random.below(6) }
            kind = target >= 8 ? .loyal : .repeating
        }
        var end = now
        if kind != .oneTime, firstOrder < now - 460 * day, random.chance(0.3) {
            end = now - random.int(330...420) * day
        }
        // A favourite consumable sets the rhythm for replenishers.
        var replenish: Int?
        if kind != .oneTime, random.chance(0.4) {
            replenish = favoriteConsumable(customer, &random)
        }
        var meanGap: Double
        var shape = 2.2
        if let replenish, let interval = catalog.products[replenish].replenishDays {
            meanGap = Double(interval * day) * random.uniform(0.9, 1.25)
            shape = 6
        } else {
            let span = Double(end - firstOrder) / Double(target) * random.uniform(0.7, 1.0)
            let bounds = kind == .loyal ? (12.0, 70.0) : (21.0, 180.0)
            meanGap = min(bounds.1 * Double(day), max(bounds.0 * Double(day), span))
        }
        let times = purchaseTimes(
            from: firstOrder, count: target, until: end, meanGap: meanGap, shape: shape, offset: offset, &random)
        var lastBought: [Replenishment] = []
        for (sequence, placedAt) in times.enumerated() {
            let lines = basket(
                customer, kind: kind, at: placedAt, replenish: replenish, lastBought: &lastBought, &random)
            let discount = chooseDiscount(customer, kind: kind, sequence: sequence, at: placedAt, &random)
            purchases.append(
                DemoPurchase(customer: index, sequence: sequence, placedAt: placedAt, lines: lines, discount: discount))
        }
        return DemoBuyerSummary(kind: times.count > 1 ? kind : .oneTime, activeUntil: end)
    }

    /// Up to `count` purchase times: gamma-distributed gaps (regular for replenishers, looser for others),
    /// thinned towards busy months, each at a plausible local hour, all before `end`.
    private func purchaseTimes(
        from first: Int, count: Int, until end: Int, meanGap: Double, shape: Double, offset: Int,
        _ random: inout DemoRandom
    ) -> [Int] {
        var times = [first]
        var time = first
        let minimumGap = 2.0 * Double(DemoTime.day)
        while times.count < count {
            var gap = minimumGap
            for _ in 0..<4 {
                gap = max(minimumGap, random.gamma(shape: shape, scale: meanGap / shape))
                let month = DemoTime.month(time + Int(gap))
                if random.uniform() * DemoTime.peakMonthWeight < DemoTime.monthWeight[month] { break }
            }
            time = DemoTimeZones.atShoppingHour(time + Int(gap), offset: offset, &random)
            if time >= end { break }
            times.append(time)
        }
        return times
    }

    /// A consumable the customer bought: which variant, and when last.
    private struct Replenishment {
        let product: Int
        var variant: Int
        var time: Int
    }

    private func firstOrderDelay(_ random: inout DemoRandom) -> Int {
        let roll = random.uniform()
        if roll < 0.55 { return random.int(3...40) * DemoTime.minute }
        if roll < 0.85 { return Int(random.exponential(mean: 15 * Double(DemoTime.day))) }
        return Int(random.exponential(mean: 90 * Double(DemoTime.day)))
    }

    private func favoriteConsumable(_ customer: DemoCustomer, _ random: inout DemoRandom) -> Int? {
        for _ in 0..<6 {
            let category = random.chance(0.7) ? random.pick(customer.favoriteCategories) : nil
            let candidate = catalog.pick(category: category, &random)
            if catalog.products[candidate].replenishDays != nil { return candidate }
        }
        return catalog.consumables.isEmpty ? nil : catalog.consumables[random.below(catalog.consumables.count)]
    }

    private func basket(
        _ customer: DemoCustomer, kind: DemoBuyerSummary.Kind, at time: Int, replenish: Int?,
        lastBought: inout [Replenishment], _ random: inout DemoRandom
    ) -> [DemoPurchase.Line] {
        let weights: [Double] = kind == .loyal ? [35, 35, 20, 10] : [52, 29, 13, 6]
        let wanted = 1 + random.weighted(weights)
        var chosen: [Int] = []
        if let replenish, catalog.products[replenish].isAvailable(at: time), random.chance(0.85) {
            chosen.append(replenish)
        }
        for entry in lastBought where chosen.count < 4 && !chosen.contains(entry.product) {
            guard let interval = catalog.products[entry.product].replenishDays else { continue }
            if time - entry.time >= interval * DemoTime.day * 4 / 5, random.chance(0.45) {
                chosen.append(entry.product)
            }
        }
        var attempts = 0
        while chosen.count < wanted, attempts < 24 {
            attempts += 1
            let roll = random.uniform()
            let candidate: Int
            if roll < 0.3, let anchor = chosen.last {
                candidate = random.pick(catalog.products[anchor].companions)
            } else if roll < 0.78 {
                candidate = catalog.pick(category: random.pick(customer.favoriteCategories), &random)
            } else {
                candidate = catalog.pick(category: nil, &random)
            }
            if catalog.products[candidate].isAvailable(at: time), !chosen.contains(candidate) {
                chosen.append(candidate)
            }
        }
        if chosen.isEmpty { chosen.append(fallbackProduct(at: time, &random)) }
        var lines: [DemoPurchase.Line] = []
        for product in chosen {
            let info = catalog.products[product]
            let quantity =
                info.replenishDays != nil ? 1 + random.weighted([65, 27, 8]) : 1 + random.weighted([92, 8])
            var variant = random.below(info.variants.count)
            if info.replenishDays != nil {
                // Re-buyers mostly stick to the size or colour they had.
                if let position = lastBought.firstIndex(where: { $0.product == product }) {
                    if random.chance(0.85) { variant = lastBought[position].variant }
                    lastBought[position].variant = variant
                    lastBought[position].time = time
                } else {
                    lastBought.append(Replenishment(product: product, variant: variant, time: time))
                }
            }
            lines.append(DemoPurchase.Line(product: product, variant: variant, quantity: quantity))
        }
        return lines
    }

    private func fallbackProduct(at time: Int, _ random: inout DemoRandom) -> Int {
        for _ in 0..<50 {
            let candidate = catalog.pick(category: nil, &random)
            if catalog.products[candidate].isAvailable(at: time) { return candidate }
        }
        return catalog.products.firstIndex { $0.isAvailable(at: time) } ?? 0
    }

    private func chooseDiscount(
        _ customer: DemoCustomer, kind: DemoBuyerSummary.Kind, sequence: Int, at time: Int, _ random: inout DemoRandom
    ) -> DemoDiscount? {
        if sequence == 0, customer.emailSubscribed, random.chance(0.4) { return .welcome }
        let month = DemoTime.month(time)
        if (6...8).contains(month), random.chance(0.2) { return .summer }
        if kind == .loyal, sequence >= 3, random.chance(0.3) { return .vip }
        return nil
    }
}
