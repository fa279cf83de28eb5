/// What the catalog says about each item, for "similar items": its family (variants of one product,
/// or stock codes sharing a base code), its kind (product type, else category), its category, and
/// traits (tags, vendor, option values such as colour or size), lower-cased.
public struct ItemAttributes: Sendable {
    public var family: [Int32]
    public var kind: [Int32]
    public var category: [Int32]
    public var categories: [String]
    public var traits: [[String]]

    public init(family: [Int32], kind: [Int32], category: [Int32], categories: [String], traits: [[String]]) {
        self.family = family
        self.kind = kind
        self.category = category
        self.categories = categories
        self.traits = traits
    }

    /// Every item its own family, no kind or category: what is known when only baskets are.
    public static func unknown(count: Int) -> ItemAttributes {
        ItemAttributes(
            family: (0..<count).map { Int32($0) }, kind: .init(repeating: -1, count: count),
            category: .init(repeating: -1, count: count), categories: [], traits: .init(repeating: [], count: count))
    }

    /// Families from a key prefix: UCI Online Retail stock codes 85099B, 85099C and 85099F are one bag in
    /// three colours, so the first five characters name the family and the kind.
    public static func codePrefix(_ keys: [String], length: Int = 5) -> ItemAttributes {
        var families: [String: Int32] = [:]
        let family = keys.map { key -> Int32 in
            let prefix = String(key.prefix(length))
            if let index = families[prefix] { return index }
            let index = Int32(families.count)
            families[prefix] = index
            return index
        }
        return ItemAttributes(
            family: family, kind: family, category: .init(repeating: -1, count: keys.count), categories: [],
            traits: keys.map { [String($0.dropFirst(length)).lowercased()].filter { !$0.isEmpty } })
    }
}

/// Similar items: others of the same kind, preferring the same family (another colour or size of the
/// same thing), then shared traits, then popularity. Within a very large kind only its most popular
/// `candidateLimit` items are compared, which keeps the build linear in the catalog.
public struct SimilarItems: Sendable {
    public let lists: [[Int32]]

    public init(_ attributes: ItemAttributes, ranking: ItemRanking, limit: Int = 20, candidateLimit: Int = 500) {
        let count = attributes.kind.count
        var members: [Int32: [Int32]] = [:]
        for item in ranking.byPopularity where attributes.kind[Int(item)] >= 0 {
            members[attributes.kind[Int(item)], default: []].append(item)
        }
        let traitSets = attributes.traits.map { Set($0) }
        var lists = [[Int32]](repeating: [], count: count)
        for item in 0..<count {
            let kind = attributes.kind[item]
            guard kind >= 0, let candidates = members[kind]?.prefix(candidateLimit) else { continue }
            var scored: [(item: Int32, score: Double)] = []
            for other in candidates where Int(other) != item {
                let sameFamily = attributes.family[Int(other)] == attributes.family[item] ? 1.0 : 0
                let shared = traitSets[item].intersection(traitSets[Int(other)]).count
                let union = traitSets[item].union(traitSets[Int(other)]).count
                scored.append((other, 2 * sameFamily + (union == 0 ? 0 : Double(shared) / Double(union))))
            }
            scored.sort {
                $0.score != $1.score
                    ? $0.score > $1.score : ranking.popularityRank[Int($0.item)] < ranking.popularityRank[Int($1.item)]
            }
            lists[item] = scored.prefix(limit).map(\.item)
        }
        self.lists = lists
    }

    public init(lists: [[Int32]]) { self.lists = lists }
}
