/// A rule as written, before type checking. Every node keeps the character offsets it came from so the
/// checker can point at it.
indirect enum SegmentRuleSyntax: Sendable {
    case and([SegmentRuleSyntax])
    case or([SegmentRuleSyntax])
    case not(SegmentRuleSyntax)
    /// An operand used as a condition on its own: a boolean attribute, `true` or `false`.
    case bare(SegmentOperandSyntax)
    case comparison(SegmentOperandSyntax, SegmentComparison, SegmentOperandSyntax, operatorStart: Int)
    /// `operand in [...]`, or `operand not in [...]` when `negated`.
    case membership(SegmentOperandSyntax, SegmentListSyntax, negated: Bool)
    case contains(SegmentOperandSyntax, SegmentContainsMode, SegmentListSyntax)
    /// `operand is set`, or `operand is not set` when `negated`.
    case isSet(SegmentOperandSyntax, negated: Bool)
    case event(SegmentEventSyntax)
}

/// One side of a comparison: a value, optionally shifted by durations (`now - 90d`).
struct SegmentOperandSyntax: Sendable {
    enum Value: Sendable, Equatable {
        case attribute(String)
        case string(String)
        case number(Double)
        case boolean(Bool)
        case now
    }

    let value: Value
    /// The total of any `+ duration` / `- duration` that follow the value, in seconds; nil when there are none.
    let shift: Int64?
    /// Where the whole operand, shift included, is in the source.
    let start: Int
    let end: Int
    /// Where the value alone is, which is where a type error about it points.
    let valueEnd: Int
}

/// A list literal such as `["At Risk", "Lost"]` or `[1, 2, 3]`.
struct SegmentListSyntax: Sendable {
    enum Item: Sendable, Equatable {
        case string(String)
        case number(Double)
    }

    let items: [Item]
    let itemStarts: [Int]
    let start: Int
    let end: Int
}

/// `did "Type" [at least N times] [in last D | since T]`.
struct SegmentEventSyntax: Sendable {
    enum Window: Sendable {
        case ever
        case last(seconds: Int64, start: Int)
        case since(SegmentOperandSyntax)
    }

    let eventType: String
    let eventTypeStart: Int
    /// Nil unless the rule says `at least N times`.
    let minimumCount: Int?
    let window: Window
}
