import PatronAnalytics
import PatronCore

/// Why an item is recommended, as a machine code, a sentence a shopper can read, and the product it
/// relates to.
enum RecommendationReasonText {
    static func json(_ reason: RecommendationReason, model: RecommendationModel, titles: [String: ProductCard]) -> JSONValue {
        func title(_ item: Int32) -> String {
            let product = model.items[Int(item)]
            return titles[product]?.title ?? product
        }
        func product(_ item: Int32) -> JSONValue { .string(model.items[Int(item)]) }
        switch reason {
        case .buysAgain(let times):
            return [
                "code": "buys_again",
                "text": .string(times > 1 ? "You have bought this \(times) times" : "You bought this before"),
            ]
        case .relatedTo(let item):
            return ["code": "related", "text": .string("Because you liked \(title(item))"), "product": product(item)]
        case .boughtTogether(let item, let baskets):
            return [
                "code": "bought_together", "text": .string("Bought together with \(title(item)) in \(baskets) orders"),
                "product": product(item),
            ]
        case .goesWith(let item):
            return ["code": "goes_with", "text": .string("Goes with \(title(item))"), "product": product(item)]
        case .similarTo(let item):
            return ["code": "similar", "text": .string("Similar to \(title(item))"), "product": product(item)]
        case .showedInterest(let signal):
            let text =
                switch signal {
                case .cart: "You added this to your cart"
                case .wishlist: "On your wishlist"
                default: "You looked at this"
                }
            return ["code": "interest", "text": .string(text)]
        case .popular(let category):
            if let category, category >= 0, Int(category) < model.attributes.categories.count {
                return ["code": "popular", "text": .string("Popular in \(model.attributes.categories[Int(category)])")]
            }
            return ["code": "popular", "text": "Popular right now"]
        }
    }
}
