/// Type checks a parsed rule and lowers it to a ``SegmentCondition``.
///
/// String literals compared with a time become times (they must then be valid dates), durations are
/// only allowed on times, and both sides of a comparison must have the same type.
struct SegmentRuleChecker {
    private let source: [Character]
    private let catalogue: [String: SegmentValueType]
    private(set) var attributes: Set<String> = []
    private(set) var eventTypes: Set<String> = []

    init(source: [Character], catalogue: [String: SegmentValueType]) {
        self.source = source
        self.catalogue = catalogue
    }

    mutating func check(_ syntax: SegmentRuleSyntax) throws(SegmentRuleError) -> SegmentCondition {
        switch syntax {
        case .and(let terms):
            var conditions: [SegmentCondition] = []
            for term in terms {
                let condition = try check(term)
                if case .and(let inner) = condition { conditions += inner } else { conditions.append(condition) }
            }
            return .and(conditions)
        case .or(let terms):
            var conditions: [SegmentCondition] = []
            for term in terms {
                let condition = try check(term)
                if case .or(let inner) = condition { conditions += inner } else { conditions.append(condition) }
            }
            return .or(conditions)
        case .not(let term):
            return .not(try check(term))
        case .bare(let operand):
            guard case .boolean(let flag) = try resolve(operand, asTime: false) else {
                throw SegmentRuleError("expected a condition, found \(describe(operand))", at: operand.start)
            }
            if case .constant(let value) = flag { return .constant(value) }
            return .flag(flag)
        case .comparison(let left, let comparison, let right, let operatorStart):
            return try checkComparison(left, comparison, right, operatorStart: operatorStart)
        case .membership(let operand, let list, let negated):
            return try checkMembership(operand, list, negated: negated)
        case .contains(let operand, let mode, let list):
            return try checkContains(operand, mode, list)
        case .isSet(let operand, let negated):
            guard case .attribute(let name) = operand.value, operand.shift == nil, let type = catalogue[name] else {
                let keyword = negated ? "is not set" : "is set"
                throw SegmentRuleError(
                    "'\(keyword)' needs an attribute on the left, found \(describe(operand))", at: operand.start)
            }
            attributes.insert(name)
            return .isSet(attribute: name, type, negated: negated)
        case .event(let event):
            return try checkEvent(event)
        }
    }

    // MARK: - Conditions

    private mutating func checkComparison(
        _ left: SegmentOperandSyntax, _ comparison: SegmentComparison, _ right: SegmentOperandSyntax,
        operatorStart: Int
    ) throws(SegmentRuleError) -> SegmentCondition {
        let leftType = naturalType(left)
        let rightType = naturalType(right)
        let typedLeft = try resolve(left, asTime: rightType == .time)
        let typedRight = try resolve(right, asTime: leftType == .time)
        for (operand, typed) in [(left, typedLeft), (right, typedRight)] where typed.type == .stringList {
            throw SegmentRuleError(
                "'\(comparison.rawValue)' cannot compare \(describe(operand)); use 'contains' to test a list",
                at: operand.start)
        }
        switch (typedLeft, typedRight) {
        case (.boolean(let left), .boolean(let right)):
            guard comparison == .equal || comparison == .notEqual else {
                throw SegmentRuleError(
                    "'\(comparison.rawValue)' cannot compare booleans; use '==' or '!='", at: operatorStart)
            }
            return .flags(left, comparison, right)
        case (.number(let left), .number(let right)):
            return .numbers(left, comparison, right)
        case (.string(let leftString), .string(let rightString)):
            try checkKnownValue(left, right)
            try checkKnownValue(right, left)
            return .strings(leftString, comparison, rightString)
        case (.time(let left), .time(let right)):
            return .times(left, comparison, right)
        default:
            throw SegmentRuleError(
                "cannot compare \(describe(left, as: typedLeft.type)) with \(describe(right, as: typedRight.type))",
                at: right.start)
        }
    }

    private mutating func checkMembership(
        _ operand: SegmentOperandSyntax, _ list: SegmentListSyntax, negated: Bool
    ) throws(SegmentRuleError) -> SegmentCondition {
        let keyword = negated ? "not in" : "in"
        switch try resolve(operand, asTime: false) {
        case .number(let number):
            var values: [Double] = []
            for (item, start) in zip(list.items, list.itemStarts) {
                guard case .number(let value) = item else {
                    throw mismatchedItem(item, at: start, operand: operand, keyword: keyword)
                }
                values.append(value)
            }
            return .numberIn(number, values, negated: negated)
        case .string(let string):
            var values: [String] = []
            for (item, start) in zip(list.items, list.itemStarts) {
                guard case .string(let value) = item else {
                    throw mismatchedItem(item, at: start, operand: operand, keyword: keyword)
                }
                if case .attribute(let name) = operand.value {
                    try checkKnownValue(attribute: name, value: value, at: start)
                }
                values.append(value)
            }
            return .stringIn(string, values, negated: negated)
        default:
            throw SegmentRuleError(
                "'\(keyword)' needs a string or a number on the left, found \(describe(operand))", at: operand.start)
        }
    }

    /// When `attribute` names an attribute with a closed set of values and `constant` is a string
    /// literal, the literal must be one of them.
    private func checkKnownValue(_ attribute: SegmentOperandSyntax, _ constant: SegmentOperandSyntax) throws(SegmentRuleError) {
        guard case .attribute(let name) = attribute.value, case .string(let value) = constant.value else { return }
        try checkKnownValue(attribute: name, value: value, at: constant.start)
    }

    private func checkKnownValue(attribute: String, value: String, at position: Int) throws(SegmentRuleError) {
        guard let known = SegmentAttributes.knownValues[attribute], !known.contains(value) else { return }
        let quoted = known.map { "\"\($0)\"" }.joined(separator: ", ")
        let suggestion = SegmentSuggestion.closest(to: value, among: known).map { "did you mean \"\($0)\"? " } ?? ""
        throw SegmentRuleError(
            "'\(attribute)' is never \"\(value)\"; \(suggestion)expected one of \(quoted)", at: position)
    }

    private mutating func checkContains(
        _ operand: SegmentOperandSyntax, _ mode: SegmentContainsMode, _ list: SegmentListSyntax
    ) throws(SegmentRuleError) -> SegmentCondition {
        var values: [String] = []
        for (item, start) in zip(list.items, list.itemStarts) {
            guard case .string(let value) = item else {
                throw SegmentRuleError("'\(mode.rawValue)' looks for strings, found number \(render(item))", at: start)
            }
            values.append(value)
        }
        switch try resolve(operand, asTime: false) {
        case .list(let name):
            return .listContains(attribute: name, values, mode)
        case .string(let string):
            return .stringContains(string, values, mode)
        default:
            throw SegmentRuleError(
                "'\(mode.rawValue)' needs a string or a list of strings on the left, found \(describe(operand))",
                at: operand.start)
        }
    }

    private mutating func checkEvent(_ event: SegmentEventSyntax) throws(SegmentRuleError) -> SegmentCondition {
        eventTypes.insert(event.eventType)
        let window: SegmentEventWindow
        switch event.window {
        case .ever:
            window = .ever
        case .last(let seconds, _):
            window = .last(seconds: seconds)
        case .since(let operand):
            switch operand.value {
            case .now, .string:
                guard case .time(let time) = try resolve(operand, asTime: true) else {
                    preconditionFailure("a string or now resolves to a time when a time is wanted")
                }
                window = .since(time)
            default:
                throw SegmentRuleError(
                    "'since' needs a fixed time such as \"2024-01-31\" or now - 30d, found \(describe(operand))",
                    at: operand.start)
            }
        }
        return .event(type: event.eventType, minimumCount: event.minimumCount ?? 1, window: window)
    }

    // MARK: - Operands

    private enum Typed {
        case boolean(SegmentOperand<Bool>)
        case number(SegmentOperand<Double>)
        case string(SegmentOperand<String>)
        case time(SegmentTime)
        case list(String)

        var type: SegmentValueType {
            switch self {
            case .boolean: .boolean
            case .number: .number
            case .string: .string
            case .time: .time
            case .list: .stringList
            }
        }
    }

    /// The operand's type before any string-to-time conversion.
    private func naturalType(_ operand: SegmentOperandSyntax) -> SegmentValueType? {
        switch operand.value {
        case .attribute(let name): catalogue[name]
        case .string: operand.shift == nil ? .string : .time
        case .number: .number
        case .boolean: .boolean
        case .now: .time
        }
    }

    /// Types an operand; with `asTime`, a string literal must be a date and becomes a time.
    private mutating func resolve(_ operand: SegmentOperandSyntax, asTime: Bool) throws(SegmentRuleError) -> Typed {
        let type = naturalType(operand)
        if operand.shift != nil && type != .time {
            throw SegmentRuleError(
                "a duration can only be added to or subtracted from a time, not \(describe(operand, valueOnly: true))",
                at: operand.start)
        }
        let shift = operand.shift ?? 0
        switch operand.value {
        case .attribute(let name):
            attributes.insert(name)
            switch type {
            case .string: return .string(.attribute(name))
            case .number: return .number(.attribute(name))
            case .boolean: return .boolean(.attribute(name))
            case .time: return .time(.attribute(name, shift: shift))
            case .stringList: return .list(name)
            case nil: throw SegmentRuleError("unknown attribute '\(name)'", at: operand.start)
            }
        case .string(let text):
            guard asTime || operand.shift != nil else { return .string(.constant(text)) }
            guard let instant = SegmentDate.parse(text) else {
                throw SegmentRuleError(
                    "invalid date \(render(.string(text))); expected \(SegmentDate.expectedForms)", at: operand.start)
            }
            return .time(.instant(instant + shift))
        case .number(let number):
            return .number(.constant(number))
        case .boolean(let flag):
            return .boolean(.constant(flag))
        case .now:
            return .time(.now(shift: shift))
        }
    }

    // MARK: - Messages

    /// `number attribute 'orders.count'`, `string "x"`, `time now - 90d`.
    private func describe(
        _ operand: SegmentOperandSyntax, as type: SegmentValueType? = nil, valueOnly: Bool = false
    ) -> String {
        let type = type ?? naturalType(operand)
        let typeName = type.map { $0.rawValue + " " } ?? ""
        if case .attribute(let name) = operand.value, valueOnly || operand.shift == nil {
            return "\(typeName)attribute '\(name)'"
        }
        var text = String(source[operand.start..<(valueOnly ? operand.valueEnd : operand.end)])
        if text.count > 40 { text = String(text.prefix(37)) + "..." }
        return typeName + text
    }

    private func render(_ item: SegmentListSyntax.Item) -> String {
        switch item {
        case .string(let value): SegmentOperand.constant(value).description
        case .number(let value): SegmentOperand.constant(value).description
        }
    }

    private func mismatchedItem(
        _ item: SegmentListSyntax.Item, at start: Int, operand: SegmentOperandSyntax, keyword: String
    ) -> SegmentRuleError {
        let itemType = if case .string = item { "string" } else { "number" }
        return SegmentRuleError(
            "cannot compare \(describe(operand)) with \(itemType) \(render(item)) in the '\(keyword)' list", at: start)
    }
}
