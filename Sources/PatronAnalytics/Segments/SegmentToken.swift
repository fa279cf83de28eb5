/// One lexical unit of a segment rule. `start..<end` are character offsets in the source.
struct SegmentToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A keyword or an attribute name such as `orders.count`; keywords are matched case-insensitively.
        case word(String)
        /// A double-quoted string, with its escapes resolved.
        case string(String)
        case number(Double)
        /// A duration such as `90d`, in seconds.
        case duration(Int64)
        case leftParen, rightParen, leftBracket, rightBracket, comma, plus, minus
        case equal, notEqual, less, lessEqual, greater, greaterEqual
        case end
    }

    let kind: Kind
    let start: Int
    let end: Int

    /// Whether this token is the keyword `keyword` (given in lower case), in any letter case.
    func isKeyword(_ keyword: String) -> Bool {
        guard case .word(let word) = kind, word.utf8.count == keyword.utf8.count else { return false }
        return zip(word.utf8, keyword.utf8).allSatisfy { byte, expected in
            byte == expected || (byte >= 65 && byte <= 90 && byte + 32 == expected)
        }
    }

    var comparison: SegmentComparison? {
        switch kind {
        case .equal: .equal
        case .notEqual: .notEqual
        case .less: .less
        case .lessEqual: .lessEqual
        case .greater: .greater
        case .greaterEqual: .greaterEqual
        default: nil
        }
    }
}

/// The comparison operators of the rule language.
enum SegmentComparison: String, Sendable, Equatable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="

    /// The operator that gives the same answer with its operands swapped: `a < b` is `b > a`.
    var swapped: SegmentComparison {
        switch self {
        case .equal, .notEqual: self
        case .less: .greater
        case .lessEqual: .greaterEqual
        case .greater: .less
        case .greaterEqual: .lessEqual
        }
    }

    func test<Value: Comparable>(_ left: Value, _ right: Value) -> Bool {
        switch self {
        case .equal: left == right
        case .notEqual: left != right
        case .less: left < right
        case .lessEqual: left <= right
        case .greater: left > right
        case .greaterEqual: left >= right
        }
    }
}

/// How many of the given values a `contains` condition needs.
enum SegmentContainsMode: String, Sendable, Equatable {
    case one = "contains"
    case any = "contains any"
    case all = "contains all"
}

/// Words that can never be attribute names.
let segmentReservedWords: Set<String> = [
    "and", "or", "not", "in", "is", "set", "did", "contains", "any", "all", "at", "least", "times", "time",
    "last", "since", "true", "false", "now",
]
