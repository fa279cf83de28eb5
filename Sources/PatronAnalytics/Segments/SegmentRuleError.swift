/// Why a segment rule was rejected, and where.
///
/// `position` is the 0-based offset, in characters, of the offending text in the rule's source;
/// `line` and `column` are the same place counted from 1, for editors and error messages.
public struct SegmentRuleError: Error, Equatable, Sendable, CustomStringConvertible {
    public let position: Int
    public let line: Int
    public let column: Int
    public let message: String

    public init(position: Int, line: Int, column: Int, message: String) {
        self.position = position
        self.line = line
        self.column = column
        self.message = message
    }

    /// An error whose line and column are not known yet; ``located(in:)`` fills them in.
    init(_ message: String, at position: Int) {
        self.init(position: position, line: 1, column: position + 1, message: message)
    }

    public var description: String {
        "line \(line), column \(column): \(message)"
    }

    func located(in source: [Character]) -> SegmentRuleError {
        var line = 1
        var lineStart = 0
        for offset in 0..<min(position, source.count) where source[offset].isNewline {
            line += 1
            lineStart = offset + 1
        }
        return SegmentRuleError(position: position, line: line, column: position - lineStart + 1, message: message)
    }
}

/// The bounds that keep parsing and evaluation cheap whatever a rule's author types.
public enum SegmentRuleLimits {
    /// The longest rule accepted, in characters.
    public static let maximumLength = 10_000
    /// How deeply parentheses and `not` may nest.
    public static let maximumDepth = 64
    /// The largest duration literal, in seconds (10,000 years).
    public static let maximumDuration: Int64 = 10_000 * 365 * 86_400
    /// The largest `at least N times`.
    public static let maximumCount = 1_000_000
}
