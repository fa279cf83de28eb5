/// A row of an import file that was not used, with the reason (naming the column and what was expected).
public struct CSVRejection: Sendable, Hashable, CustomStringConvertible {
    public let line: Int
    public let reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}
