import Foundation
import Logging
import PatronCore
import PatronStore

/// A job that must not be retried (bad payload, nothing to do it with): the worker fails it for good.
public struct PermanentJobError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// A job that asks to be retried at a given time (a receiver's Retry-After), not on the backoff schedule.
public struct RetryJobLater: Error, CustomStringConvertible {
    public let afterMilliseconds: Int64
    public let reason: String

    public init(afterMilliseconds: Int64, reason: String) {
        self.afterMilliseconds = afterMilliseconds
        self.reason = reason
    }

    public var description: String { "\(reason) (retry in \(afterMilliseconds / 1_000) s)" }
}

/// Runs queued jobs: claims a batch, runs each with the handler for its kind, completes it or records
/// the failure with exponential backoff and jitter. Any number of workers, in any number of processes,
/// can share one queue; a job whose worker died is taken over when its lease expires.
public struct JobWorker: Sendable {
    public typealias Handler = @Sendable (Job) async throws -> Void

    public let queue: JobQueue
    public let handlers: [String: Handler]
    public let owner: String
    public let pollInterval: Duration
    public let leaseMilliseconds: Int64
    public let batchSize: Int
    public let logger: Logger
    public let clock: @Sendable () -> Date

    public init(
        queue: JobQueue, handlers: [String: Handler], owner: String = JobWorker.defaultOwner(),
        pollInterval: Duration = .milliseconds(250), leaseMilliseconds: Int64 = 5 * 60_000, batchSize: Int = 10,
        logger: Logger = Logger(label: "patron.jobs"), clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.queue = queue
        self.handlers = handlers
        self.owner = owner
        self.pollInterval = pollInterval
        self.leaseMilliseconds = leaseMilliseconds
        self.batchSize = batchSize
        self.logger = logger
        self.clock = clock
    }

    /// "host:pid:random", unique per worker so a lease names exactly one of them.
    public static func defaultOwner() -> String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
    }

    /// Claims and runs one batch; returns how many jobs it ran.
    @discardableResult
    public func runOnce() async throws -> Int {
        let jobs = try await queue.claim(
            owner: owner, now: Timestamp.milliseconds(clock()), leaseMilliseconds: leaseMilliseconds, limit: batchSize,
            kinds: Array(handlers.keys))
        for job in jobs {
            await run(job)
        }
        return jobs.count
    }

    /// Runs until cancelled, sleeping `pollInterval` whenever the queue has nothing due.
    public func run() async {
        while !Task.isCancelled {
            do {
                if try await runOnce() == 0 { try await Task.sleep(for: pollInterval) }
            } catch is CancellationError {
                return
            } catch {
                logger.error("job worker could not claim jobs", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: pollInterval * 4)
            }
        }
    }

    private func run(_ job: Job) async {
        guard let handler = handlers[job.kind] else { return }
        do {
            try await handler(job)
            try await queue.complete(job, now: Timestamp.milliseconds(clock()))
        } catch {
            let now = Timestamp.milliseconds(clock())
            let retryAt: Int64? =
                if error is PermanentJobError { nil } else if let later = error as? RetryJobLater {
                    now + later.afterMilliseconds
                } else { now + Self.backoffMilliseconds(attempts: job.attempts) }
            logger.warning(
                "job failed",
                metadata: [
                    "job": "\(job.id)", "kind": "\(job.kind)", "attempt": "\(job.attempts)", "error": "\(error)",
                    "retry": "\(retryAt.map { "in \(($0 - now) / 1_000) s" } ?? "no")",
                ])
            _ = try? await queue.fail(job, error: String(describing: error), retryAt: retryAt, now: now)
        }
    }

    /// 2^attempts seconds (capped at an hour), times a random factor in [0.5, 1.5) so retries of many
    /// jobs that failed together spread out.
    public static func backoffMilliseconds(attempts: Int64) -> Int64 {
        let base = min(3_600_000.0, 1_000 * pow(2, Double(max(0, attempts - 1))))
        return Int64(base * Double.random(in: 0.5..<1.5))
    }
}
