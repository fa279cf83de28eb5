import ArgumentParser
import Foundation
import Logging
import PatronCore
import PatronEngine
import PatronStore
import SQLKit

/// `patron bench jobs`: several worker processes drain one queue; every job execution is recorded,
/// so the run proves (or disproves) that no job ran twice, and measures the throughput.
struct JobsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "Drain a queue of no-op jobs with several worker processes and check none ran twice.")

    @Option(help: "SQLite file or postgres:// URL (default: a new temporary SQLite file).") var database: String?
    @Option(help: "Jobs to enqueue.") var jobs = 100_000
    @Option(help: "Worker processes.") var processes = 2
    @Option(help: "Workers per process.") var workersPerProcess = 2
    @Option(help: "Jobs claimed per round trip.") var batch = 50
    @Option(help: "Internal: run as one of the worker processes, with this name.") var drainAs: String?

    static let kind = "bench.noop"

    func run() async throws {
        let location = database ?? NSTemporaryDirectory() + "patron-bench-jobs-\(UUID().uuidString).sqlite"
        let options = try DatabaseOptions.parse(["--database", location])
        if let drainAs {
            try await options.withDatabase {
                try await Self.drain(database: $0, name: drainAs, workers: workersPerProcess, batch: batch)
            }
            return
        }
        let jobs = self.jobs
        let enqueueStart = ContinuousClock.now
        try await options.withDatabase { database in
            try await database.write { sql in
                try await sql.raw("DROP TABLE IF EXISTS bench_job_marks").run()
                try await sql.raw("CREATE TABLE bench_job_marks (job_id BIGINT NOT NULL, worker TEXT NOT NULL)").run()
                try await sql.raw("DELETE FROM jobs WHERE kind = \(bind: Self.kind)").run()
            }
            let now = Timestamp.milliseconds(Date())
            for chunk in stride(from: 0, to: jobs, by: 5_000) {
                try await database.write { sql in
                    for index in chunk..<min(jobs, chunk + 5_000) {
                        try await JobQueue.enqueue(
                            JobQueue.Enqueue(kind: Self.kind, payload: ["n": .int(Int64(index))], runAt: now), now: now, in: sql)
                    }
                }
            }
        }
        let enqueued = ContinuousClock.now - enqueueStart
        let drainStart = ContinuousClock.now
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let children = try (0..<processes).map { index -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = [
                "bench", "jobs", "--database", location, "--drain-as", "process-\(index)", "--workers-per-process",
                String(workersPerProcess), "--batch", String(batch),
            ]
            try process.run()
            return process
        }
        for child in children { child.waitUntilExit() }
        let drained = ContinuousClock.now - drainStart
        let failures = children.filter { $0.terminationStatus != 0 }.count
        let result: JSONValue = try await options.withDatabase { database in
            try await database.read { sql in
                let marks = try await sql.raw(
                    """
                    SELECT COUNT(*) AS executions, COUNT(DISTINCT job_id) AS jobs FROM bench_job_marks
                    """
                ).first()
                let twice = try await sql.raw(
                    "SELECT COUNT(*) AS n FROM (SELECT job_id FROM bench_job_marks GROUP BY job_id HAVING COUNT(*) > 1) AS repeated"
                ).first()
                let perWorker = try await sql.raw(
                    "SELECT worker, COUNT(*) AS n FROM bench_job_marks GROUP BY worker ORDER BY worker"
                ).all()
                let done = try await sql.raw(
                    "SELECT COUNT(*) AS n FROM jobs WHERE kind = \(bind: Self.kind) AND status = 'done'"
                ).first()
                let executions = try marks?.int("executions") ?? 0
                return [
                    "engine": .string(database.kind.rawValue), "jobs": .int(Int64(jobs)),
                    "processes": .int(Int64(processes)), "workers_per_process": .int(Int64(workersPerProcess)),
                    "executions": .int(executions), "distinct_jobs_executed": .int(try marks?.int("jobs") ?? 0),
                    "jobs_executed_more_than_once": .int(try twice?.int("n") ?? -1),
                    "jobs_done": .int(try done?.int("n") ?? 0),
                    "per_worker": .object(
                        Dictionary(
                            uniqueKeysWithValues: try perWorker.map { (try $0.requiredText("worker"), .int(try $0.int("n"))) })),
                    "failed_processes": .int(Int64(failures)),
                    "enqueue_seconds": .double(enqueued.seconds), "drain_seconds": .double(drained.seconds),
                    "jobs_per_second": .double(Double(executions) / drained.seconds),
                ]
            }
        }
        print(result.serialized())
        if result["jobs_executed_more_than_once"] != .int(0) || result["jobs_done"] != .int(Int64(jobs)) || failures > 0 {
            throw ExitCode.failure
        }
    }

    /// One worker process: runs workers until the queue has no bench jobs left.
    static func drain(database: Database, name: String, workers: Int, batch: Int) async throws {
        let queue = JobQueue(database: database)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<workers {
                let workerName = "\(name)/\(index)"
                let worker = JobWorker(
                    queue: queue,
                    handlers: [
                        kind: { job in
                            try await database.write { sql in
                                try await sql.raw(
                                    "INSERT INTO bench_job_marks (job_id, worker) VALUES (\(bind: job.id), \(bind: workerName))"
                                ).run()
                            }
                        }
                    ],
                    owner: workerName, batchSize: batch, logger: Logger(label: "patron.bench"))
                group.addTask {
                    while try await worker.runOnce() > 0 {}
                }
            }
            try await group.waitForAll()
        }
    }
}
