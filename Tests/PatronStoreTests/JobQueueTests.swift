import Foundation
import PatronCore
import SQLKit
import Testing

@testable import PatronStore

/// The durable job queue on every engine: due times, leases, retries, dedupe, and concurrent workers.
@Suite struct JobQueueTests {
    static let start: Int64 = 1_714_566_600_000

    @Test(arguments: TestDatabases.all)
    func enqueueingTheSameKeyTwiceLeavesOneJob(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let queue = JobQueue(database: database)
            let job = JobQueue.Enqueue(
                kind: "email.send", store: nil, payload: ["to": "ana@example.com"], runAt: Self.start, dedupeKey: "order-1:thanks"
            )
            let first = try await queue.enqueue(job, now: Self.start)
            let second = try await queue.enqueue(job, now: Self.start)
            #expect(first != nil)
            #expect(second == nil)
            #expect(try await queue.counts() == ["queued": 1])
            // Jobs without a key are never deduplicated.
            _ = try await queue.enqueue(JobQueue.Enqueue(kind: "ping", runAt: Self.start), now: Self.start)
            _ = try await queue.enqueue(JobQueue.Enqueue(kind: "ping", runAt: Self.start), now: Self.start)
            #expect(try await queue.counts() == ["queued": 3])
        }
    }

    @Test(arguments: TestDatabases.all)
    func jobsRunWhenDueOnceAtATimeAndComeBackWhenALeaseExpires(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let queue = JobQueue(database: database)
            try await queue.enqueue(JobQueue.Enqueue(kind: "later", runAt: Self.start + 60_000), now: Self.start)
            try await queue.enqueue(JobQueue.Enqueue(kind: "now", payload: ["n": 1], runAt: Self.start), now: Self.start)

            let first = try await queue.claim(owner: "worker-a", now: Self.start, leaseMilliseconds: 30_000, limit: 10)
            #expect(first.map(\.kind) == ["now"])
            #expect(first.first?.attempts == 1 && first.first?.payload["n"] == 1)
            // Leased: nobody else gets it, and the later job is not due yet.
            #expect(
                try await queue.claim(owner: "worker-b", now: Self.start + 1_000, leaseMilliseconds: 30_000, limit: 10).isEmpty)

            // worker-a stops without finishing; after the lease, worker-b takes the job over.
            let reclaimed = try await queue.claim(
                owner: "worker-b", now: Self.start + 31_000, leaseMilliseconds: 30_000, limit: 1)
            #expect(reclaimed.map(\.id) == first.map(\.id))
            #expect(reclaimed.first?.attempts == 2)
            // The first owner's late completion changes nothing; the new owner's counts.
            #expect(try await !queue.complete(try #require(first.first), now: Self.start + 32_000))
            #expect(try await queue.complete(try #require(reclaimed.first), now: Self.start + 33_000))
            #expect(try await queue.counts() == ["done": 1, "queued": 1])

            let later = try await queue.claim(owner: "worker-a", now: Self.start + 60_000, leaseMilliseconds: 30_000, limit: 10)
            #expect(later.map(\.kind) == ["later"])
        }
    }

    @Test(arguments: TestDatabases.all)
    func failedAttemptsRetryAtTheirTimeUntilNoneAreLeft(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let queue = JobQueue(database: database)
            try await queue.enqueue(JobQueue.Enqueue(kind: "flaky", runAt: Self.start, maxAttempts: 2), now: Self.start)
            let attempt1 = try #require(
                try await queue.claim(owner: "w", now: Self.start, leaseMilliseconds: 1_000, limit: 1).first)
            #expect(try await queue.fail(attempt1, error: "timeout", retryAt: Self.start + 10_000, now: Self.start + 100))
            #expect(try await queue.claim(owner: "w", now: Self.start + 5_000, leaseMilliseconds: 1_000, limit: 1).isEmpty)
            let attempt2 = try #require(
                try await queue.claim(owner: "w", now: Self.start + 10_000, leaseMilliseconds: 1_000, limit: 1).first)
            #expect(attempt2.attempts == 2)
            // The last attempt fails: no retry even though one was asked for.
            #expect(
                try await queue.fail(attempt2, error: "timeout again", retryAt: Self.start + 20_000, now: Self.start + 10_100))
            #expect(try await queue.counts() == ["failed": 1])
            let error = try await database.read { try await $0.raw("SELECT last_error FROM jobs").first()?.text("last_error") }
            #expect(error == "timeout again")

            // A job whose lease runs out on its last attempt is failed, not handed out again.
            try await queue.enqueue(JobQueue.Enqueue(kind: "hangs", runAt: Self.start, maxAttempts: 1), now: Self.start)
            _ = try await queue.claim(owner: "w", now: Self.start, leaseMilliseconds: 1_000, limit: 1)
            #expect(try await queue.claim(owner: "w", now: Self.start + 5_000, leaseMilliseconds: 1_000, limit: 1).isEmpty)
            #expect(try await queue.counts() == ["failed": 2])
        }
    }

    /// Four workers drain 1,200 jobs concurrently: every job is done exactly once.
    @Test(arguments: TestDatabases.all)
    func concurrentWorkersNeverTakeTheSameJob(kind: DatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let queue = JobQueue(database: database)
            try await database.write { sql in
                for index in 0..<1_200 {
                    try await JobQueue.enqueue(
                        JobQueue.Enqueue(kind: "count", payload: ["n": .int(Int64(index))], runAt: Self.start), now: Self.start,
                        in: sql)
                }
            }
            let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var mine: [Int64] = []
                        while true {
                            let jobs = try await queue.claim(
                                owner: "worker-\(worker)", now: Self.start, leaseMilliseconds: 600_000, limit: 25)
                            if jobs.isEmpty { return mine }
                            for job in jobs where try await queue.complete(job, now: Self.start) { mine.append(job.id) }
                        }
                    }
                }
                var all: [Int64] = []
                for try await ids in group { all += ids }
                return all
            }
            #expect(claimed.count == 1_200)
            #expect(Set(claimed).count == 1_200)
            #expect(try await queue.counts() == ["done": 1_200])
        }
    }
}
