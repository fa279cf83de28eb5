import Foundation
import PatronCore

/// One sellable variant as the generator sees it.
struct DemoVariant: Sendable {
    let externalId: String
    let sku: String
    let title: String
    let price: Int
    let inStock: Bool
}

/// A product with what the order and event generators need to pick and describe it.
struct DemoProduct: Sendable {
    let externalId: String
    let title: String
    let category: Int
    let categoryName: String
    let url: String
    let imageUrl: String
    let variants: [DemoVariant]
    let replenishDays: Int?
    /// Epoch seconds from which the product can be bought, and until which (archived products stop).
    let availableFrom: Int
    let availableUntil: Int
    let popularity: Double
    let companions: [Int]
    let searchTerm: String

    func isAvailable(at time: Int) -> Bool { time >= availableFrom && time < availableUntil }
}

/// The catalogue with cumulative popularity weights for fast weighted picks.
struct DemoProductCatalog: Sendable {
    let products: [DemoProduct]
    let inputs: [ProductInput]
    let cumulativeAll: [Double]
    /// Product indices per category and their cumulative popularity.
    let byCategory: [[Int]]
    let cumulativeByCategory: [[Double]]
    let consumables: [Int]

    /// A popular product, from one category when given.
    func pick(category: Int?, _ random: inout DemoRandom) -> Int {
        guard let category else { return random.index(cumulative: cumulativeAll) }
        return byCategory[category][random.index(cumulative: cumulativeByCategory[category])]
    }
}

enum DemoProductBuilder {
    static func build(seed: UInt64, now: Int) -> DemoProductCatalog {
        var random = DemoRandom(seed: seed, stream: 1)
        let windowStart = now - 730 * DemoTime.day
        let templates = DemoCatalog.categories.enumerated().flatMap { category, entry in
            entry.products.map { (category, $0) }
        }
        // Popularity: a Zipf-like curve over a random ranking, consumables a little favoured.
        var ranks = Array(0..<templates.count)
        for index in stride(from: ranks.count - 1, to: 0, by: -1) {
            ranks.swapAt(index, random.below(index + 1))
        }
        var archived = Set<Int>()
        while archived.count < 5 {
            let candidate = random.below(templates.count)
            if templates[candidate].1.replenishDays == nil { archived.insert(candidate) }
        }
        var usedSkus = Set<String>()
        var products: [DemoProduct] = []
        var inputs: [ProductInput] = []
        products.reserveCapacity(templates.count)
        for (index, (category, template)) in templates.enumerated() {
            let number = DemoText.padded(index + 1, width: 3)
            let categoryInfo = DemoCatalog.categories[category]
            let handle = DemoText.slug(template.title)
            let isNew = random.chance(0.15)
            let createdAt =
                isNew
                ? windowStart + random.int(60...600) * DemoTime.day + random.below(DemoTime.day)
                : windowStart - random.int(30...300) * DemoTime.day - random.below(DemoTime.day)
            let isArchived = archived.contains(index)
            let availableUntil = isArchived ? windowStart + random.int(200...420) * DemoTime.day : Int.max
            var popularity = DemoMath.exp(-0.8 * DemoMath.ln(Double(ranks[index] + 2)))
            if template.replenishDays != nil { popularity *= 1.5 }
            let saleMarkup = random.chance(0.15) ? random.uniform(1.2, 1.4) : nil
            let onSale = saleMarkup != nil

            var input = ProductInput(externalId: "prod_\(number)")
            input.title = template.title
            input.description = template.title + ". " + random.pick(categoryInfo.blurbs)
            input.category = categoryInfo.name
            input.productType = categoryInfo.name
            input.vendor = random.pick(categoryInfo.vendors)
            input.url = "https://shop.example.com/products/\(handle)"
            input.imageUrl = "https://images.example.com/products/\(handle).jpg"
            input.status = isArchived ? .archived : .active
            input.currency = .usd
            input.createdAt = DemoTime.date(createdAt)
            input.sourceUpdatedAt = DemoTime.date(
                isArchived ? availableUntil : max(createdAt, now - random.int(1...90) * DemoTime.day))
            var tags: [String] = []
            if template.replenishDays != nil { tags.append("consumable") }
            if isNew { tags.append("new-arrival") }
            if onSale { tags.append("sale") }
            if template.price >= 40_00, !isArchived, random.chance(0.4) { tags.append("gift-idea") }
            input.tags = tags

            var variants: [DemoVariant] = []
            var variantInputs: [VariantInput] = []
            for (variantIndex, option) in optionRows(template.options).enumerated() {
                let price = max(1, Int((Double(template.price) * option.multiplier / 100).rounded())) * 100
                var sku = "\(categoryInfo.skuPrefix)-\(number)" + option.codes.map { "-" + $0 }.joined()
                if usedSkus.contains(sku) { sku += "-\(variantIndex + 1)" }
                usedSkus.insert(sku)
                let stock = isArchived ? 0 : random.chance(0.06) ? 0 : random.int(3...240)
                var variant = VariantInput(externalId: "var_\(number)_\(variantIndex + 1)")
                variant.sku = sku
                variant.title = option.title
                variant.options = option.values
                variant.price = Int64(price)
                if let saleMarkup {
                    variant.compareAtPrice = Int64(Int((Double(price) * saleMarkup / 100).rounded()) * 100)
                }
                variant.stock = Int64(stock)
                if let color = option.values["color"] {
                    variant.imageUrl = "https://images.example.com/products/\(handle)-\(DemoText.slug(color)).jpg"
                } else {
                    variant.imageUrl = input.imageUrl
                }
                variantInputs.append(variant)
                variants.append(
                    DemoVariant(
                        externalId: variant.externalId, sku: sku, title: option.title, price: price, inStock: stock > 0)
                )
            }
            input.variants = variantInputs
            inputs.append(input)
            products.append(
                DemoProduct(
                    externalId: input.externalId, title: template.title, category: category,
                    categoryName: categoryInfo.name,
                    url: input.url ?? "", imageUrl: input.imageUrl ?? "", variants: variants,
                    replenishDays: template.replenishDays, availableFrom: createdAt, availableUntil: availableUntil,
                    popularity: popularity, companions: [],
                    searchTerm: searchTerm(template.title, categoryInfo, &random)))
        }
        products = withCompanions(products, &random)
        return catalog(products: products, inputs: inputs)
    }

    private static func catalog(products: [DemoProduct], inputs: [ProductInput]) -> DemoProductCatalog {
        var cumulativeAll: [Double] = []
        var total = 0.0
        for product in products {
            total += product.popularity
            cumulativeAll.append(total)
        }
        var byCategory = Array(repeating: [Int](), count: DemoCatalog.categories.count)
        var cumulativeByCategory = Array(repeating: [Double](), count: DemoCatalog.categories.count)
        for (index, product) in products.enumerated() {
            byCategory[product.category].append(index)
            let previous = cumulativeByCategory[product.category].last ?? 0
            cumulativeByCategory[product.category].append(previous + product.popularity)
        }
        let consumables = products.indices.filter { products[$0].replenishDays != nil }
        return DemoProductCatalog(
            products: products, inputs: inputs, cumulativeAll: cumulativeAll, byCategory: byCategory,
            cumulativeByCategory: cumulativeByCategory, consumables: consumables)
    }

    /// Two companions from the same category and one from a related category: "bought together" pairs.
    private static func withCompanions(_ products: [DemoProduct], _ random: inout DemoRandom) -> [DemoProduct] {
        var byCategory = Array(repeating: [Int](), count: DemoCatalog.categories.count)
        for (index, product) in products.enumerated() { byCategory[product.category].append(index) }
        return products.enumerated().map { index, product in
            var companions: [Int] = []
            let same = byCategory[product.category]
            while companions.count < 2 {
                let candidate = random.pick(same)
                if candidate != index, !companions.contains(candidate) { companions.append(candidate) }
            }
            let related = random.pick(DemoCatalog.relatedCategories[product.category])
            companions.append(random.pick(byCategory[related]))
            return DemoProduct(
                externalId: product.externalId, title: product.title, category: product.category,
                categoryName: product.categoryName, url: product.url, imageUrl: product.imageUrl,
                variants: product.variants,
                replenishDays: product.replenishDays, availableFrom: product.availableFrom,
                availableUntil: product.availableUntil, popularity: product.popularity, companions: companions,
                searchTerm: product.searchTerm)
        }
    }

    private static func searchTerm(_ title: String, _ category: DemoCategory, _ random: inout DemoRandom) -> String {
        let words = title.lowercased().split(separator: " ").filter { $0 != "&" && $0 != "and" && $0 != "with" }
        switch random.below(3) {
        case 0: return title.lowercased()
        case 1: return words.suffix(2).joined(separator: " ")
        default: return random.pick(category.searchTerms)
        }
    }

    struct OptionRow {
        let title: String
        let values: [String: String]
        let codes: [String]
        let multiplier: Double
    }

    static func optionRows(_ options: DemoProductTemplate.Options) -> [OptionRow] {
        switch options {
        case .single:
            return [OptionRow(title: "Default Title", values: [:], codes: [], multiplier: 1)]
        case .colors(let colors):
            return colors.map { OptionRow(title: $0, values: ["color": $0], codes: [code($0)], multiplier: 1) }
        case .sizes(let sizes):
            return sizes.map { OptionRow(title: $0.0, values: ["size": $0.0], codes: [code($0.0)], multiplier: $0.1) }
        case .colorsAndSizes(let colors, let sizes):
            return colors.flatMap { color in
                sizes.map { size in
                    OptionRow(
                        title: "\(color) / \(size)", values: ["color": color, "size": size],
                        codes: [code(color), code(size)],
                        multiplier: 1)
                }
            }
        }
    }

    /// "Heather Grey" -> "HEAG", "8 oz" -> "8OZ", "S/M" -> "SM".
    static func code(_ option: String) -> String {
        let words = option.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "/" })
        guard let first = words.first else { return "X" }
        let firstPart = DemoText.slug(String(first)).uppercased()
        if first.first?.isNumber == true || words.count > 1 && words.allSatisfy({ $0.count <= 2 }) {
            return words.map { DemoText.slug(String($0)).uppercased() }.joined()
        }
        let rest = words.dropFirst().compactMap { DemoText.slug(String($0)).uppercased().first }
        return String(firstPart.prefix(3)) + String(rest)
    }
}
