/// Wall-clock time of consecutive stages of a computation, for benchmarks and logs.
public struct StageTimer: Sendable {
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var mark: ContinuousClock.Instant
    public private(set) var stages: [(String, Duration)] = []

    public init() {
        start = clock.now
        mark = start
    }

    /// Ends the current stage under `name` and starts the next.
    public mutating func lap(_ name: String) {
        let now = clock.now
        stages.append((name, now - mark))
        mark = now
    }

    public var elapsed: Duration { clock.now - start }
}
