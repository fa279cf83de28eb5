/// Splits a rule's source into ``SegmentToken``s, ending with `.end`.
struct SegmentLexer {
    private let source: [Character]
    private var offset = 0
    private var tokens: [SegmentToken] = []

    init(_ source: [Character]) {
        self.source = source
    }

    static func tokenize(_ source: [Character]) throws(SegmentRuleError) -> [SegmentToken] {
        var lexer = SegmentLexer(source)
        return try lexer.run()
    }

    private mutating func run() throws(SegmentRuleError) -> [SegmentToken] {
        while let character = peek() {
            if character.isWhitespace {
                offset += 1
                continue
            }
            let start = offset
            if character == "\"" {
                try lexString()
            } else if character.isASCII && character.isNumber {
                try lexNumber()
            } else if Self.startsWord(character) {
                try lexWord()
            } else {
                try lexSymbol(character)
            }
            precondition(offset > start, "the lexer must consume input")
        }
        tokens.append(SegmentToken(kind: .end, start: source.count, end: source.count))
        return tokens
    }

    private func peek(_ ahead: Int = 0) -> Character? {
        offset + ahead < source.count ? source[offset + ahead] : nil
    }

    private mutating func emit(_ kind: SegmentToken.Kind, from start: Int) {
        tokens.append(SegmentToken(kind: kind, start: start, end: offset))
    }

    private static func startsWord(_ character: Character) -> Bool {
        character == "_" || (character.isASCII && character.isLetter)
    }

    private static func continuesWord(_ character: Character) -> Bool {
        character == "_" || (character.isASCII && (character.isLetter || character.isNumber))
    }

    private static func isDigit(_ character: Character?) -> Bool {
        guard let character else { return false }
        return character.isASCII && character.isNumber
    }

    private mutating func lexString() throws(SegmentRuleError) {
        let start = offset
        offset += 1
        var value = ""
        while true {
            guard let character = peek(), !character.isNewline else {
                throw SegmentRuleError("unterminated string", at: start)
            }
            offset += 1
            if character == "\"" { break }
            if character == "\\" {
                switch peek() {
                case "\"": value.append("\"")
                case "\\": value.append("\\")
                case .some(let other) where !other.isNewline:
                    throw SegmentRuleError(
                        "unknown escape '\\\(other)' in string; only \\\" and \\\\ are allowed", at: offset - 1)
                default:
                    throw SegmentRuleError("unterminated string", at: start)
                }
                offset += 1
            } else {
                value.append(character)
            }
        }
        emit(.string(value), from: start)
    }

    /// Numbers are `123` or `4.5`; digits followed by a unit letter are a duration (`90d`).
    private mutating func lexNumber() throws(SegmentRuleError) {
        let start = offset
        while Self.isDigit(peek()) { offset += 1 }
        let integerDigits = offset - start
        if integerDigits == 4 && peek() == "-" && Self.isDigit(peek(1)) {
            throw SegmentRuleError("a date must be written in double quotes, e.g. \"2024-01-31\"", at: start)
        }
        var isDecimal = false
        if peek() == "." {
            guard Self.isDigit(peek(1)) else {
                throw SegmentRuleError("expected a digit after '.' in a number", at: offset + 1)
            }
            isDecimal = true
            offset += 1
            while Self.isDigit(peek()) { offset += 1 }
        }
        let digits = String(source[start..<offset])
        guard let next = peek(), Self.continuesWord(next) else {
            guard let value = Double(digits), value.isFinite else {
                throw SegmentRuleError("number \(digits) is too large", at: start)
            }
            emit(.number(value), from: start)
            return
        }
        let unitStart = offset
        while let character = peek(), Self.continuesWord(character) { offset += 1 }
        let unit = String(source[unitStart..<offset])
        let secondsPerUnit: Int64
        switch unit {
        case "h": secondsPerUnit = 3_600
        case "d": secondsPerUnit = 86_400
        case "w": secondsPerUnit = 7 * 86_400
        case "y": secondsPerUnit = 365 * 86_400
        default:
            throw SegmentRuleError(
                "unknown duration unit '\(unit)' in '\(digits)\(unit)'; use h (hours), d (days), w (weeks) or y (years)",
                at: unitStart)
        }
        if isDecimal {
            throw SegmentRuleError("a duration must be a whole number, e.g. 36h rather than 1.5d", at: start)
        }
        let maximum = SegmentRuleLimits.maximumDuration
        guard let count = Int64(digits), count <= maximum / secondsPerUnit else {
            throw SegmentRuleError("duration '\(digits)\(unit)' is too long; the limit is 10000y", at: start)
        }
        emit(.duration(count * secondsPerUnit), from: start)
    }

    /// Words are keywords or attribute names: letters, digits and `_`, with single dots between parts.
    private mutating func lexWord() throws(SegmentRuleError) {
        let start = offset
        while true {
            while let character = peek(), Self.continuesWord(character) { offset += 1 }
            guard peek() == "." else { break }
            guard let next = peek(1), Self.startsWord(next) else {
                let word = String(source[start...offset])
                throw SegmentRuleError("expected a name after '.' in '\(word)'", at: offset + 1)
            }
            offset += 1
        }
        emit(.word(String(source[start..<offset])), from: start)
    }

    private mutating func lexSymbol(_ character: Character) throws(SegmentRuleError) {
        let start = offset
        let next = peek(1)
        let kind: SegmentToken.Kind
        var length = 1
        switch character {
        case "(": kind = .leftParen
        case ")": kind = .rightParen
        case "[": kind = .leftBracket
        case "]": kind = .rightBracket
        case ",": kind = .comma
        case "+": kind = .plus
        case "-": kind = .minus
        case "=" where next == "=":
            kind = .equal
            length = 2
        case "!" where next == "=":
            kind = .notEqual
            length = 2
        case "<" where next == "=":
            kind = .lessEqual
            length = 2
        case ">" where next == "=":
            kind = .greaterEqual
            length = 2
        case "<": kind = .less
        case ">": kind = .greater
        case "=": throw SegmentRuleError("unexpected '='; use '==' to test equality", at: start)
        case "!": throw SegmentRuleError("unexpected '!'; use 'not' to negate a condition", at: start)
        case "&": throw SegmentRuleError("unexpected '&'; use 'and' to combine conditions", at: start)
        case "|": throw SegmentRuleError("unexpected '|'; use 'or' to combine conditions", at: start)
        case "'", "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}":
            throw SegmentRuleError(
                "unexpected character '\(character)'; strings are written in straight double quotes, e.g. \"VIP\"",
                at: start)
        default:
            throw SegmentRuleError("unexpected character '\(character)'", at: start)
        }
        offset += length
        emit(kind, from: start)
    }
}
