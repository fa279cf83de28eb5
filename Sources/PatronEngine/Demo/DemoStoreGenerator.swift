import Foundation
import PatronCore

/// A complete demo store: customers, catalogue, two years of orders with their shipments, and the
/// browse/cart behaviour around them.
public struct DemoData: Sendable {
    public var customers: [CustomerInput]
    public var products: [ProductInput]
    /// Sorted by `placedAt`; numbered `#1001`, `#1002`... in that order.
    public var orders: [OrderInput]
    public var shipments: [ShipmentInput]
    /// Sorted by `occurredAt`; message ids `demo-evt-000001`... in that order.
    public var events: [EventInput]

    public init(
        customers: [CustomerInput], products: [ProductInput], orders: [OrderInput], shipments: [ShipmentInput],
        events: [EventInput]
    ) {
        self.customers = customers
        self.products = products
        self.orders = orders
        self.shipments = shipments
        self.events = events
    }
}

/// Generates a realistic, deterministic demo store (a gift, homeware and apparel shop selling in USD).
/// The same seed, `now` and customer count give the same data on every run and machine: all randomness
/// comes from a seeded xoshiro256** generator, and all times from plain arithmetic on `now`.
public struct DemoStoreGenerator: Sendable {
    public var seed: UInt64
    public var now: Date
    public var customerCount: Int

    public init(seed: UInt64 = 42, now: Date, customerCount: Int = 3_000) {
        self.seed = seed
        self.now = now
        self.customerCount = max(0, customerCount)
    }

    public func generate() -> DemoData {
        let nowSeconds = DemoTime.seconds(now)
        let catalog = DemoProductBuilder.build(seed: seed, now: nowSeconds)
        let (customerInputs, customers) = DemoCustomerBuilder.build(seed: seed, now: nowSeconds, count: customerCount)

        let planner = DemoPurchasePlanner(seed: seed, now: nowSeconds, catalog: catalog)
        var purchases: [DemoPurchase] = []
        purchases.reserveCapacity(customerCount * 3)
        var summaries: [DemoBuyerSummary] = []
        summaries.reserveCapacity(customerCount)
        for (index, customer) in customers.enumerated() {
            summaries.append(planner.plan(customer, index: index, into: &purchases))
        }
        purchases.sort { ($0.placedAt, $0.customer, $0.sequence) < ($1.placedAt, $1.customer, $1.sequence) }

        let orderBuilder = DemoOrderBuilder(seed: seed, now: nowSeconds, catalog: catalog, customers: customers)
        let (orders, shipments, facts) = orderBuilder.build(purchases)
        let events = DemoEventBuilder(seed: seed, now: nowSeconds, catalog: catalog, customers: customers)
            .build(facts: facts, summaries: summaries)
        return DemoData(
            customers: tagged(customerInputs, summaries), products: catalog.inputs, orders: orders,
            shipments: shipments,
            events: events)
    }

    /// Tags loyal customers "vip" and customers who never ordered "prospect".
    private func tagged(_ inputs: [CustomerInput], _ summaries: [DemoBuyerSummary]) -> [CustomerInput] {
        var result = inputs
        for index in result.indices {
            switch summaries[index].kind {
            case .loyal: result[index].tags = ["vip"]
            case .browser: result[index].tags = ["prospect"]
            case .oneTime, .repeating: result[index].tags = []
            }
        }
        return result
    }
}
