import Foundation
import PatronCore

/// Browse, cart, checkout, wishlist, search and review behaviour around the demo orders: sessions
/// that lead to each order, sessions that end without one (abandoned carts and checkouts), and
/// anonymous visitors.
struct DemoEventBuilder {
    let seed: UInt64
    let now: Int
    let catalog: DemoProductCatalog
    let customers: [DemoCustomer]
    let properties: DemoProductProperties

    init(seed: UInt64, now: Int, catalog: DemoProductCatalog, customers: [DemoCustomer]) {
        self.seed = seed
        self.now = now
        self.catalog = catalog
        self.customers = customers
        self.properties = DemoProductProperties(catalog)
    }

    func build(facts: [DemoOrderFacts], summaries: [DemoBuyerSummary]) -> [EventInput] {
        var log = DemoEventLog(capacity: customers.count * 18)
        for (index, fact) in facts.enumerated() {
            var random = DemoRandom(seed: seed, stream: 5, index: index)
            orderSession(fact, &random, &log)
            reviews(fact, &random, &log)
        }
        for (index, customer) in customers.enumerated() {
            var random = DemoRandom(seed: seed, stream: 6, index: index)
            customerSessions(customer, summaries[index], &random, &log)
        }
        for visitor in 0..<(customers.count / 2) {
            var random = DemoRandom(seed: seed, stream: 7, index: visitor)
            let visitorRef = CustomerRef(anonymousId: "anon-" + random.hex(16))
            let sessions = 1 + random.poisson(mean: 0.35)
            for _ in 0..<sessions {
                let start = now - Int(random.uniform() * 365 * Double(DemoTime.day))
                let time = min(
                    now - 10 * DemoTime.minute, DemoTimeZones.atShoppingHour(start, offset: -5 * DemoTime.hour, &random)
                )
                browse(visitorRef, favorites: [], at: time, cartChance: 0.2, checkoutChance: 0.25, &random, &log)
            }
        }
        return log.events()
    }

    private func ref(_ customer: Int) -> CustomerRef { CustomerRef(externalId: customers[customer].externalId) }

    /// The visit that ended in an order: (search), views, adds, (a removal), checkout started.
    private func orderSession(_ fact: DemoOrderFacts, _ random: inout DemoRandom, _ log: inout DemoEventLog) {
        guard random.chance(0.82) else { return }
        var steps: [Step] = []
        let cartId = "cart_" + random.hex(12)
        if random.chance(0.25), let first = fact.lines.first {
            steps.append(Step("Products Searched", ["query": .string(catalog.products[first.product].searchTerm)], []))
        }
        var checkoutProducts: [JSONValue] = []
        for line in fact.lines {
            let product = catalog.products[line.product]
            let other = random.pick(product.companions)
            if random.chance(0.3), catalog.products[other].isAvailable(at: fact.placedAt) {
                steps.append(viewed(other, variant: random.below(catalog.products[other].variants.count)))
            }
            steps.append(viewed(line.product, variant: line.variant))
            var added = properties.properties(product: line.product, variant: line.variant, quantity: line.quantity)
            added["cart_id"] = .string(cartId)
            steps.append(Step("Product Added", added, [product.externalId]))
            checkoutProducts.append(.object(added))
        }
        let changedMind = fact.lines.first.map { random.pick(catalog.products[$0.product].companions) }
        if random.chance(0.08), let other = changedMind, catalog.products[other].isAvailable(at: fact.placedAt) {
            var props = properties.properties(product: other, variant: 0, quantity: 1)
            props["cart_id"] = .string(cartId)
            let productId = catalog.products[other].externalId
            steps.append(Step("Product Added", props, [productId]))
            steps.append(Step("Product Removed", props, [productId]))
        }
        var checkout: [String: JSONValue] = [
            "checkout_id": .string("chk_" + random.hex(12)), "order_id": .string(fact.externalId),
            "cart_id": .string(cartId), "value": .double(Double(fact.subtotal) / 100), "currency": "USD",
            "products": .array(checkoutProducts),
        ]
        if let code = fact.discountCode { checkout["coupon"] = .string(code) }
        steps.append(Step("Checkout Started", checkout, fact.lines.map { catalog.products[$0.product].externalId }))
        var time = fact.placedAt - random.int(60...300)
        let customer = ref(fact.customer)
        for step in steps.reversed() {
            log.add(step.type, at: time, customer: customer, properties: step.properties, products: step.products)
            time -= random.int(20...180)
        }
    }

    private struct Step {
        let type: String
        let properties: [String: JSONValue]
        let products: [String]

        init(_ type: String, _ properties: [String: JSONValue], _ products: [String]) {
            self.type = type
            self.properties = properties
            self.products = products
        }
    }

    private func viewed(_ product: Int, variant: Int) -> Step {
        Step(
            "Product Viewed", properties.properties(product: product, variant: variant, quantity: 1),
            [catalog.products[product].externalId]
        )
    }

    /// Some delivered items get a review a few days later; unhappy orders get unhappy ratings.
    private func reviews(_ fact: DemoOrderFacts, _ random: inout DemoRandom, _ log: inout DemoEventLog) {
        guard let delivered = fact.deliveredAt else { return }
        for line in fact.lines where random.chance(0.11) {
            let time = delivered + random.int(3...21) * DemoTime.day + random.below(DemoTime.day)
            guard time <= now else { continue }
            let weights: [Double] = fact.hadRefund ? [0, 35, 30, 20, 10, 5] : [0, 3, 4, 9, 26, 58]
            let rating = random.weighted(weights)
            let product = catalog.products[line.product]
            let properties: [String: JSONValue] = [
                "product_id": .string(product.externalId), "sku": .string(product.variants[line.variant].sku),
                "name": .string(product.title), "category": .string(product.categoryName),
                "review_id": .string("rev_" + random.hex(10)), "rating": .int(Int64(rating)),
                "review_body": .string(DemoReviews.body(rating: rating, name: product.title, &random)),
            ]
            log.add(
                "Product Reviewed", at: time, customer: ref(fact.customer), properties: properties,
                products: [product.externalId])
        }
    }

    /// Visits without an order: browsing, abandoned carts and checkouts, and browsing before sign-up.
    private func customerSessions(
        _ customer: DemoCustomer, _ summary: DemoBuyerSummary, _ random: inout DemoRandom, _ log: inout DemoEventLog
    ) {
        let customerRef = CustomerRef(externalId: customer.externalId)
        let activeEnd = min(now, summary.activeUntil == now ? now : summary.activeUntil + 45 * DemoTime.day)
        let span = max(DemoTime.hour, activeEnd - customer.createdAt)
        let browseSessions = random.poisson(mean: summary.kind == .browser ? 1.8 : 1.0)
        let cartSessions = random.poisson(mean: summary.kind == .loyal ? 0.9 : 0.45)
        for session in 0..<(browseSessions + cartSessions) {
            let start = customer.createdAt + Int(random.uniform() * Double(span))
            let local = DemoTimeZones.atShoppingHour(start, offset: customer.utcOffset, &random)
            let time = min(now - 10 * DemoTime.minute, max(customer.createdAt, local))
            let abandons = session >= browseSessions
            browse(
                customerRef, favorites: customer.favoriteCategories, at: time, cartChance: abandons ? 1 : 0,
                checkoutChance: abandons ? 0.4 : 0, &random, &log)
        }
        if summary.activeUntil == now, random.chance(0.02) {
            let time = now - random.int(60...(47 * 60)) * DemoTime.minute
            browse(
                customerRef, favorites: customer.favoriteCategories, at: time, cartChance: 1, checkoutChance: 0.5,
                &random, &log)
        }
        if let anonymousId = customer.anonymousId {
            let time = customer.createdAt - random.int(1...240) * DemoTime.hour
            browse(
                CustomerRef(anonymousId: anonymousId), favorites: customer.favoriteCategories, at: time,
                cartChance: 0.2,
                checkoutChance: 0, &random, &log)
        }
    }

    /// One visit: maybe a search, a few product views (maybe a wishlist add), maybe a cart that is
    /// abandoned (sometimes after starting checkout).
    private func browse(
        _ customer: CustomerRef, favorites: [Int], at start: Int, cartChance: Double, checkoutChance: Double,
        _ random: inout DemoRandom, _ log: inout DemoEventLog
    ) {
        var time = start
        func step() -> Int? {
            time += random.int(15...150)
            return time <= now ? time : nil
        }
        let category = favorites.isEmpty || random.chance(0.3) ? nil : random.pick(favorites)
        if random.chance(0.3), let at = step() {
            let query =
                random.chance(0.35)
                ? random.pick(DemoCatalog.genericSearches)
                : catalog.products[catalog.pick(category: category, &random)].searchTerm
            log.add("Products Searched", at: at, customer: customer, properties: ["query": .string(query)])
        }
        var viewed: [(Int, Int)] = []
        for _ in 0..<random.int(1...4) {
            var product = catalog.pick(category: category, &random)
            if !catalog.products[product].isAvailable(at: time) { product = catalog.pick(category: nil, &random) }
            guard catalog.products[product].isAvailable(at: time), let at = step() else { continue }
            let variant = random.below(catalog.products[product].variants.count)
            let productId = catalog.products[product].externalId
            let props = properties.properties(product: product, variant: variant, quantity: 1)
            log.add("Product Viewed", at: at, customer: customer, properties: props, products: [productId])
            viewed.append((product, variant))
            let wishChance = catalog.products[product].variants[variant].inStock ? 0.05 : 0.3
            if random.chance(wishChance), let at = step() {
                var wish = props
                wish["wishlist_id"] = .string("wl_" + random.hex(8))
                log.add(
                    "Product Added to Wishlist", at: at, customer: customer, properties: wish, products: [productId])
            }
        }
        guard !viewed.isEmpty, random.chance(cartChance) else { return }
        let cartId = "cart_" + random.hex(12)
        var cart: [(properties: [String: JSONValue], productId: String, price: Int)] = []
        for (product, variant) in viewed.prefix(1 + random.below(2)) {
            guard let at = step() else { return }
            var props = properties.properties(product: product, variant: variant, quantity: 1)
            props["cart_id"] = .string(cartId)
            let productId = catalog.products[product].externalId
            log.add("Product Added", at: at, customer: customer, properties: props, products: [productId])
            cart.append((props, productId, catalog.products[product].variants[variant].price))
        }
        if cart.count > 1, random.chance(0.3), let at = step(), let removed = cart.popLast() {
            log.add(
                "Product Removed", at: at, customer: customer, properties: removed.properties,
                products: [removed.productId])
        }
        guard random.chance(checkoutChance), let at = step() else { return }
        let value = cart.reduce(0) { $0 + $1.price }
        let checkout: [String: JSONValue] = [
            "checkout_id": .string("chk_" + random.hex(12)), "cart_id": .string(cartId),
            "value": .double(Double(value) / 100), "currency": "USD",
            "products": .array(cart.map { .object($0.properties) }),
        ]
        let products = cart.map(\.productId)
        log.add("Checkout Started", at: at, customer: customer, properties: checkout, products: products)
    }
}
