import Foundation
import PatronCore

/// Collects behavioural events in any order, then sorts them by time and numbers their message ids.
struct DemoEventLog {
    private struct Draft {
        let time: Int
        let sequence: Int
        let type: String
        let customer: CustomerRef
        let properties: [String: JSONValue]
        let products: [String]
    }

    private var drafts: [Draft] = []

    init(capacity: Int) { drafts.reserveCapacity(capacity) }

    var count: Int { drafts.count }

    mutating func add(
        _ type: String, at time: Int, customer: CustomerRef, properties: [String: JSONValue], products: [String] = []
    ) {
        drafts.append(
            Draft(
                time: time, sequence: drafts.count, type: type, customer: customer, properties: properties,
                products: products))
    }

    /// Events in time order with ids `demo-evt-000001`, `demo-evt-000002`...
    func events() -> [EventInput] {
        let ordered = drafts.sorted { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
        var events: [EventInput] = []
        events.reserveCapacity(ordered.count)
        let width = max(6, String(ordered.count).count)
        for (index, draft) in ordered.enumerated() {
            var event = EventInput(
                type: draft.type, customer: draft.customer,
                messageId: "demo-evt-" + DemoText.padded(index + 1, width: width),
                occurredAt: DemoTime.date(draft.time), source: .demo)
            event.properties = draft.properties
            event.productExternalIds = draft.products
            events.append(event)
        }
        return events
    }
}

/// E-commerce Spec v2 product properties, built once per variant.
struct DemoProductProperties {
    private let table: [[[String: JSONValue]]]

    init(_ catalog: DemoProductCatalog) {
        table = catalog.products.map { product in
            product.variants.map { variant in
                [
                    "product_id": .string(product.externalId), "sku": .string(variant.sku),
                    "name": .string(product.title),
                    "variant": .string(variant.title), "price": .double(Double(variant.price) / 100),
                    "category": .string(product.categoryName), "currency": "USD", "url": .string(product.url),
                    "image_url": .string(product.imageUrl),
                ]
            }
        }
    }

    func properties(product: Int, variant: Int, quantity: Int) -> [String: JSONValue] {
        var properties = table[product][variant]
        properties["quantity"] = .int(Int64(quantity))
        return properties
    }
}

enum DemoReviews {
    static let bodies: [[String]] = [
        [],
        [
            "Arrived broken and I am still waiting to hear back.", "Poor quality: it fell apart after a week.",
            "Not what I ordered and the return was a hassle.",
        ],
        [
            "Disappointed, the {name} arrived with a small chip.", "Not as described. The finish feels cheap.",
            "Took three weeks to arrive and the colour is off.",
        ],
        [
            "It's fine. Does the job, nothing special.", "Nice {name}, but the colour differs from the photos.",
            "Decent, though a bit pricey for what it is.",
        ],
        [
            "Really nice {name}, just a little smaller than I expected.",
            "Good quality and lovely packaging. Shipping took a few days longer than hoped.",
            "Very happy with it overall, would buy again.",
        ],
        [
            "Absolutely love the {name}. Beautiful quality and it arrived quickly.",
            "Bought this as a gift and it was a hit. Ordering another one for myself!",
            "Exactly as pictured. The quality is outstanding.", "My second one already. Couldn't be happier.",
            "Five stars. The {name} makes the whole room feel calmer.",
        ],
    ]

    static func body(rating: Int, name: String, _ random: inout DemoRandom) -> String {
        random.pick(bodies[rating]).replacingOccurrences(of: "{name}", with: name)
    }
}
