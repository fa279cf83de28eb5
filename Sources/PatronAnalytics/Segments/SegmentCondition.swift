/// A type-checked rule: every operand has one known type, string dates are times and durations are folded
/// into shifts. `now` stays symbolic because it is only known when the rule is evaluated.
indirect enum SegmentCondition: Sendable, Equatable {
    case constant(Bool)
    case and([SegmentCondition])
    case or([SegmentCondition])
    case not(SegmentCondition)
    case flag(SegmentOperand<Bool>)
    case flags(SegmentOperand<Bool>, SegmentComparison, SegmentOperand<Bool>)
    case numbers(SegmentOperand<Double>, SegmentComparison, SegmentOperand<Double>)
    case strings(SegmentOperand<String>, SegmentComparison, SegmentOperand<String>)
    case times(SegmentTime, SegmentComparison, SegmentTime)
    case numberIn(SegmentOperand<Double>, [Double], negated: Bool)
    case stringIn(SegmentOperand<String>, [String], negated: Bool)
    /// `contains` on a list of strings attribute: element equality.
    case listContains(attribute: String, [String], SegmentContainsMode)
    /// `contains` on a string: substring search.
    case stringContains(SegmentOperand<String>, [String], SegmentContainsMode)
    case isSet(attribute: String, SegmentValueType, negated: Bool)
    case event(type: String, minimumCount: Int, window: SegmentEventWindow)
}

enum SegmentOperand<Value: Sendable & Equatable>: Sendable, Equatable {
    case attribute(String)
    case constant(Value)
}

/// A time operand; every form may be shifted by a number of seconds.
enum SegmentTime: Sendable, Equatable {
    case attribute(String, shift: Int64)
    case now(shift: Int64)
    /// A fixed instant in epoch seconds (a date literal, shift already applied).
    case instant(Int64)
}

enum SegmentEventWindow: Sendable, Equatable {
    /// Any occurrence at or before `now`.
    case ever
    /// Occurrences in `[now - seconds, now]`.
    case last(seconds: Int64)
    /// Occurrences in `[time, now]`.
    case since(SegmentTime)
}

extension SegmentCondition: CustomStringConvertible {
    /// A fully parenthesised rendering, for tests and debugging.
    var description: String {
        switch self {
        case .constant(let value): "\(value)"
        case .and(let terms): "(" + terms.map(\.description).joined(separator: " and ") + ")"
        case .or(let terms): "(" + terms.map(\.description).joined(separator: " or ") + ")"
        case .not(let term): "not \(term)"
        case .flag(let operand): operand.description
        case .flags(let left, let comparison, let right): "\(left) \(comparison.rawValue) \(right)"
        case .numbers(let left, let comparison, let right): "\(left) \(comparison.rawValue) \(right)"
        case .strings(let left, let comparison, let right): "\(left) \(comparison.rawValue) \(right)"
        case .times(let left, let comparison, let right): "\(left) \(comparison.rawValue) \(right)"
        case .numberIn(let operand, let values, let negated):
            "\(operand) \(negated ? "not in" : "in") \(values.map(SegmentOperand.constant))"
        case .stringIn(let operand, let values, let negated):
            "\(operand) \(negated ? "not in" : "in") \(values.map(SegmentOperand.constant))"
        case .listContains(let attribute, let values, let mode):
            "\(attribute) \(mode.rawValue) \(values.map(SegmentOperand.constant))"
        case .stringContains(let operand, let values, let mode):
            "\(operand) \(mode.rawValue) \(values.map(SegmentOperand.constant))"
        case .isSet(let attribute, _, let negated): "\(attribute) is \(negated ? "not set" : "set")"
        case .event(let type, let minimumCount, let window):
            "did \(SegmentOperand.constant(type)) at least \(minimumCount) times\(window)"
        }
    }
}

extension SegmentOperand: CustomStringConvertible {
    var description: String {
        switch self {
        case .attribute(let name): name
        case .constant(let value as String):
            "\"" + value.flatMap { $0 == "\"" || $0 == "\\" ? ["\\", $0] : [$0] } + "\""
        case .constant(let value as Double) where Int64(exactly: value) != nil: "\(Int64(value))"
        case .constant(let value): "\(value)"
        }
    }
}

extension SegmentTime: CustomStringConvertible {
    var description: String {
        switch self {
        case .attribute(let name, let shift): name + Self.render(shift)
        case .now(let shift): "now" + Self.render(shift)
        case .instant(let seconds): "@\(seconds)"
        }
    }

    private static func render(_ shift: Int64) -> String {
        shift == 0 ? "" : shift > 0 ? " + \(shift)s" : " - \(-shift)s"
    }
}

extension SegmentEventWindow: CustomStringConvertible {
    var description: String {
        switch self {
        case .ever: ""
        case .last(let seconds): " in last \(seconds)s"
        case .since(let time): " since \(time)"
        }
    }
}
