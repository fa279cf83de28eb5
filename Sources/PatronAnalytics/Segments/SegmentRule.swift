/// A parsed and type-checked segment rule, such as
/// `rfm.segment in ["At Risk", "Can't Lose Them"] and last_order_at < now - 90d and consent.email`.
///
/// The language is described in `docs/segments.md`. Parsing checks everything that can be checked without
/// data, so a rule that parses always evaluates.
public struct SegmentRule: Sendable {
    public let source: String
    /// The event types the rule's `did` conditions name, so a caller can load only those.
    public let eventTypes: Set<String>
    /// The attributes the rule reads, so a caller can fill only those columns.
    public let attributes: Set<String>
    let condition: SegmentCondition

    /// Parses and type checks `source` against ``SegmentAttributes/catalogue``.
    public static func parse(_ source: String) throws(SegmentRuleError) -> SegmentRule {
        try parse(source, catalogue: SegmentAttributes.catalogue)
    }

    static func parse(
        _ source: String, catalogue: [String: SegmentValueType]
    ) throws(SegmentRuleError) -> SegmentRule {
        // Counting stops at the limit so an enormous input costs no more than a long one.
        var length = 0
        for _ in source {
            length += 1
            if length > SegmentRuleLimits.maximumLength {
                let limit = SegmentRuleLimits.maximumLength
                throw SegmentRuleError("rule is too long: the limit is \(limit) characters", at: limit)
                    .located(in: Array(source.prefix(limit)))
            }
        }
        let characters = Array(source)
        do {
            let syntax = try SegmentRuleParser.parse(characters, catalogue: catalogue)
            var checker = SegmentRuleChecker(source: characters, catalogue: catalogue)
            let condition = try checker.check(syntax)
            return SegmentRule(
                source: source, eventTypes: checker.eventTypes, attributes: checker.attributes, condition: condition)
        } catch {
            throw error.located(in: characters)
        }
    }

    /// Whether each customer of `facts` is in the segment, by customer index.
    ///
    /// An attribute with no column in `facts` is missing for every customer, and an event type absent
    /// from `facts.events` was done by nobody.
    public func evaluate(_ facts: CustomerFacts) -> [Bool] {
        let count = facts.count
        switch SegmentRuleCompiler(facts: facts).compile(condition) {
        case .constant(let value):
            return [Bool](repeating: value, count: count)
        case .predicate(let predicate, _):
            return [Bool](unsafeUninitializedCapacity: count) { buffer, initialized in
                for index in 0..<count {
                    buffer.initializeElement(at: index, to: predicate(index))
                }
                initialized = count
            }
        }
    }

    /// The indexes of the customers in the segment, ascending.
    public func members(_ facts: CustomerFacts) -> [Int] {
        switch SegmentRuleCompiler(facts: facts).compile(condition) {
        case .constant(let value):
            return value ? Array(0..<facts.count) : []
        case .predicate(let predicate, _):
            var members: [Int] = []
            for index in 0..<facts.count where predicate(index) {
                members.append(index)
            }
            return members
        }
    }
}

extension SegmentRule: CustomStringConvertible {
    public var description: String { source }
}
