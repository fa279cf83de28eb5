/// Recursive-descent parser from tokens to ``SegmentRuleSyntax``.
///
/// It checks attribute names against the catalogue as it meets them, so errors come in source order;
/// operand types are the checker's job.
struct SegmentRuleParser {
    private let source: [Character]
    private let tokens: [SegmentToken]
    private let catalogue: [String: SegmentValueType]
    private var index = 0
    private var depth = 0

    private init(source: [Character], tokens: [SegmentToken], catalogue: [String: SegmentValueType]) {
        self.source = source
        self.tokens = tokens
        self.catalogue = catalogue
    }

    static func parse(
        _ source: [Character], catalogue: [String: SegmentValueType]
    ) throws(SegmentRuleError) -> SegmentRuleSyntax {
        let tokens = try SegmentLexer.tokenize(source)
        guard tokens.count > 1 else { throw SegmentRuleError("empty rule", at: 0) }
        var parser = SegmentRuleParser(source: source, tokens: tokens, catalogue: catalogue)
        let rule = try parser.parseOr()
        if parser.current.kind != .end {
            throw parser.expectedContinuation(closing: nil)
        }
        return rule
    }

    // MARK: - Conditions

    private mutating func parseOr() throws(SegmentRuleError) -> SegmentRuleSyntax {
        var terms = [try parseAnd()]
        while current.isKeyword("or") {
            advance()
            terms.append(try parseAnd())
        }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    private mutating func parseAnd() throws(SegmentRuleError) -> SegmentRuleSyntax {
        var terms = [try parseUnary()]
        while current.isKeyword("and") {
            advance()
            terms.append(try parseUnary())
        }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    private mutating func parseUnary() throws(SegmentRuleError) -> SegmentRuleSyntax {
        guard current.isKeyword("not") else { return try parsePrimary() }
        let not = advance()
        try enter(not)
        defer { depth -= 1 }
        return .not(try parseUnary())
    }

    private mutating func parsePrimary() throws(SegmentRuleError) -> SegmentRuleSyntax {
        switch current.kind {
        case .leftParen:
            let open = advance()
            try enter(open)
            defer { depth -= 1 }
            let inner = try parseOr()
            guard current.kind == .rightParen else { throw expectedContinuation(closing: open) }
            advance()
            return inner
        case .word where current.isKeyword("did"):
            return try parseEvent()
        default:
            return try parseComparison()
        }
    }

    private mutating func parseComparison() throws(SegmentRuleError) -> SegmentRuleSyntax {
        let left = try parseOperand(expecting: "a condition")
        let token = current
        if let comparison = token.comparison {
            advance()
            let right = try parseOperand(expecting: "a value")
            return .comparison(left, comparison, right, operatorStart: token.start)
        }
        if token.isKeyword("in") {
            advance()
            return .membership(left, try parseList(after: "in"), negated: false)
        }
        if token.isKeyword("not") {
            let next = tokens[index + 1]
            guard next.isKeyword("in") else {
                throw SegmentRuleError("expected 'in' after 'not', found \(found(next))", at: next.start)
            }
            advance()
            advance()
            return .membership(left, try parseList(after: "not in"), negated: true)
        }
        if token.isKeyword("contains") {
            return try parseContains(left)
        }
        if token.isKeyword("is") {
            advance()
            let negated = current.isKeyword("not")
            if negated { advance() }
            guard current.isKeyword("set") else {
                let expected = negated ? "'set' after 'is not'" : "'set' or 'not set' after 'is'"
                throw SegmentRuleError("expected \(expected), found \(found(current))", at: current.start)
            }
            advance()
            return .isSet(left, negated: negated)
        }
        // A boolean stands alone; whatever follows it is for the caller to accept or reject.
        let isBoolean: Bool
        switch left.value {
        case .boolean: isBoolean = true
        case .attribute(let name): isBoolean = catalogue[name] == .boolean
        default: isBoolean = false
        }
        guard isBoolean else {
            let operand = text(from: left.start, to: left.end)
            throw SegmentRuleError(
                "expected a comparison operator after '\(operand)', found \(found(token))", at: token.start)
        }
        return .bare(left)
    }

    private mutating func parseContains(_ left: SegmentOperandSyntax) throws(SegmentRuleError) -> SegmentRuleSyntax {
        advance()
        if current.isKeyword("any") || current.isKeyword("all") {
            let mode: SegmentContainsMode = current.isKeyword("any") ? .any : .all
            advance()
            return .contains(left, mode, try parseList(after: mode.rawValue))
        }
        guard case .string(let value) = current.kind else {
            throw SegmentRuleError(
                "expected a string after 'contains' (or 'any [...]' / 'all [...]'), found \(found(current))",
                at: current.start)
        }
        let token = advance()
        let list = SegmentListSyntax(items: [.string(value)], itemStarts: [token.start], start: token.start, end: token.end)
        return .contains(left, .one, list)
    }

    private mutating func parseEvent() throws(SegmentRuleError) -> SegmentRuleSyntax {
        advance()
        guard case .string(let eventType) = current.kind else {
            throw SegmentRuleError(
                "expected an event type in double quotes after 'did', e.g. did \"Order Completed\", found \(found(current))",
                at: current.start)
        }
        let typeToken = advance()
        if eventType.isEmpty {
            throw SegmentRuleError("the event type after 'did' is empty", at: typeToken.start)
        }
        var minimumCount: Int?
        if current.isKeyword("at") {
            advance()
            guard current.isKeyword("least") else {
                throw SegmentRuleError("expected 'least' after 'at', found \(found(current))", at: current.start)
            }
            advance()
            guard case .number(let number) = current.kind, let count = Int(exactly: number),
                (1...SegmentRuleLimits.maximumCount).contains(count)
            else {
                throw SegmentRuleError(
                    "expected a whole number of times from 1 to \(SegmentRuleLimits.maximumCount) after 'at least', "
                        + "found \(found(current))",
                    at: current.start)
            }
            advance()
            guard current.isKeyword("times") || current.isKeyword("time") else {
                throw SegmentRuleError(
                    "expected 'times' after 'at least \(count)', found \(found(current))", at: current.start)
            }
            advance()
            minimumCount = count
        }
        let window: SegmentEventSyntax.Window
        if current.isKeyword("in") {
            advance()
            guard current.isKeyword("last") else {
                throw SegmentRuleError(
                    "expected 'last' after 'in', e.g. in last 7d, found \(found(current))", at: current.start)
            }
            advance()
            guard case .duration(let seconds) = current.kind else {
                throw SegmentRuleError(
                    "expected a duration such as 7d after 'in last', found \(found(current))", at: current.start)
            }
            guard seconds > 0 else {
                throw SegmentRuleError("the duration after 'in last' must be longer than zero", at: current.start)
            }
            window = .last(seconds: seconds, start: advance().start)
        } else if current.isKeyword("since") {
            advance()
            window = .since(try parseOperand(expecting: "a date such as \"2024-01-31\""))
        } else {
            window = .ever
        }
        return .event(
            SegmentEventSyntax(
                eventType: eventType, eventTypeStart: typeToken.start, minimumCount: minimumCount, window: window))
    }

    // MARK: - Operands

    private mutating func parseOperand(expecting expected: String) throws(SegmentRuleError) -> SegmentOperandSyntax {
        let token = current
        let value: SegmentOperandSyntax.Value
        var valueEnd = token.end
        switch token.kind {
        case .string(let string):
            value = .string(string)
        case .number(let number):
            value = .number(number)
        case .minus:
            guard case .number(let number) = tokens[index + 1].kind else {
                throw SegmentRuleError(
                    "expected a number after '-', found \(found(tokens[index + 1]))", at: tokens[index + 1].start)
            }
            advance()
            value = .number(-number)
            valueEnd = current.end
        case .word(let word):
            value = try wordValue(word, token: token, expected: expected)
        case .duration:
            throw SegmentRuleError(
                "unexpected duration '\(text(token))'; a duration follows 'now +', 'now -', a time attribute "
                    + "or 'in last'",
                at: token.start)
        case .leftBracket:
            throw SegmentRuleError(
                "unexpected '['; a list can only follow 'in', 'not in', 'contains any' or 'contains all'",
                at: token.start)
        default:
            throw SegmentRuleError("expected \(expected)\(after()), found \(found(token))", at: token.start)
        }
        advance()
        var shift: Int64?
        while current.kind == .plus || current.kind == .minus {
            let sign = advance()
            guard case .duration(let seconds) = current.kind else {
                throw SegmentRuleError(
                    "expected a duration such as 7d after '\(text(sign))', found \(found(current))", at: current.start)
            }
            advance()
            shift = (shift ?? 0) + (sign.kind == .minus ? -seconds : seconds)
        }
        return SegmentOperandSyntax(
            value: value, shift: shift, start: token.start, end: tokens[index - 1].end, valueEnd: valueEnd)
    }

    private func wordValue(
        _ word: String, token: SegmentToken, expected: String
    ) throws(SegmentRuleError) -> SegmentOperandSyntax.Value {
        if token.isKeyword("now") { return .now }
        if token.isKeyword("true") { return .boolean(true) }
        if token.isKeyword("false") { return .boolean(false) }
        if segmentReservedWords.contains(word.lowercased()) {
            throw SegmentRuleError("expected \(expected)\(after()), found \(found(token))", at: token.start)
        }
        guard catalogue[word] != nil else {
            var message = "unknown attribute '\(word)'"
            if let suggestion = SegmentSuggestion.closest(to: word, among: catalogue.keys) {
                message += "; did you mean '\(suggestion)'?"
            }
            throw SegmentRuleError(message, at: token.start)
        }
        return .attribute(word)
    }

    private mutating func parseList(after keyword: String) throws(SegmentRuleError) -> SegmentListSyntax {
        guard current.kind == .leftBracket else {
            throw SegmentRuleError(
                "expected a list such as [\"a\", \"b\"] after '\(keyword)', found \(found(current))", at: current.start)
        }
        let open = advance()
        if current.kind == .rightBracket {
            throw SegmentRuleError("empty list after '\(keyword)'; add at least one value", at: open.start)
        }
        var items: [SegmentListSyntax.Item] = []
        var starts: [Int] = []
        while true {
            let token = current
            switch token.kind {
            case .string(let string):
                items.append(.string(string))
            case .number(let number):
                items.append(.number(number))
            case .minus:
                guard case .number(let number) = tokens[index + 1].kind else {
                    throw SegmentRuleError(
                        "expected a number after '-', found \(found(tokens[index + 1]))", at: tokens[index + 1].start)
                }
                advance()
                items.append(.number(-number))
            default:
                throw SegmentRuleError(
                    "expected a string or a number in the list, found \(found(token))", at: token.start)
            }
            starts.append(token.start)
            advance()
            if current.kind == .comma {
                advance()
                if current.kind == .rightBracket { break }
            } else if current.kind == .rightBracket {
                break
            } else {
                throw SegmentRuleError("expected ',' or ']' in the list, found \(found(current))", at: current.start)
            }
        }
        let close = advance()
        return SegmentListSyntax(items: items, itemStarts: starts, start: open.start, end: close.end)
    }

    // MARK: - Tokens and messages

    private var current: SegmentToken { tokens[index] }

    /// Moves past the current token, stopping at `.end`; returns the token moved past.
    @discardableResult
    private mutating func advance() -> SegmentToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private mutating func enter(_ token: SegmentToken) throws(SegmentRuleError) {
        depth += 1
        if depth > SegmentRuleLimits.maximumDepth {
            throw SegmentRuleError(
                "rule is nested too deeply: parentheses and 'not' may nest at most \(SegmentRuleLimits.maximumDepth) levels",
                at: token.start)
        }
    }

    /// The error for a token that cannot continue the rule, or the parenthesised group opened by `open`.
    private func expectedContinuation(closing open: SegmentToken?) -> SegmentRuleError {
        let token = current
        let expected = open == nil ? "'and', 'or' or end of rule" : "'and', 'or' or ')'"
        var message = "expected \(expected), found \(found(token))"
        if case .word(let word) = token.kind,
            let keyword = SegmentSuggestion.closest(to: word.lowercased(), among: ["and", "or"]),
            SegmentSuggestion.editDistance(Array(word.lowercased().unicodeScalars), Array(keyword.unicodeScalars)) == 1
        {
            message += "; did you mean '\(keyword)'?"
        }
        return SegmentRuleError(message, at: token.start)
    }

    /// `" after '<previous token>'"`, or nothing at the start of the rule.
    private func after() -> String {
        index > 0 ? " after '\(text(tokens[index - 1]))'" : ""
    }

    private func found(_ token: SegmentToken) -> String {
        token.kind == .end ? "end of rule" : "'\(text(token))'"
    }

    private func text(_ token: SegmentToken) -> String {
        text(from: token.start, to: token.end)
    }

    private func text(from start: Int, to end: Int) -> String {
        let limit = 40
        let text = String(source[start..<end])
        return end - start <= limit ? text : String(source[start..<(start + limit - 3)]) + "..."
    }
}
