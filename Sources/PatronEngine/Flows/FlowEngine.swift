import Crypto
import Foundation
import PatronCore
import PatronMessaging
import PatronStore
import SQLKit

/// What running flows needs besides the open transaction: the database for whole-store rule
/// conditions and the send-time advisor.
public struct FlowServices: Sendable {
    public let rules: RuleMembership
    public let sendTimes: SendTimeAdvisor

    public init(database: Database, sendTimes: SendTimeAdvisor = SendTimeAdvisor()) {
        self.rules = RuleMembership(database: database)
        self.sendTimes = sendTimes
    }
}

/// A flow version ready to run.
public struct LoadedFlow: Sendable {
    public let version: Int64
    public let definition: FlowDefinition

    public var name: String { definition.name }

    /// A stored version read back: checked when it was saved, so templates and destinations are not
    /// checked again; a version that no longer parses is nil.
    public static func parse(stored document: JSONValue) -> FlowDefinition? {
        try? FlowDefinition.parse(document, templates: [], validatingTemplates: false)
    }

    /// The store's enabled flows at their current versions.
    public static func enabled(store: Int64, in sql: any SQLDatabase) async throws -> [LoadedFlow] {
        try await FlowRepository(sql: sql, storeID: store).enabled().compactMap { stored in
            parse(stored: stored.definition).map { LoadedFlow(version: stored.version, definition: $0) }
        }
    }
}

/// Runs flows inside write transactions: a trigger starts a run and executes its steps at once up to
/// the first wait (so an immediate send is queued in the same commit as its cause); a wait schedules a
/// `flow.resume` job that continues the run later, on the version it started with. Exit events and
/// conditions are checked each time the run continues.
public enum FlowEngine {
    public static let resumeKind = "flow.resume"

    /// Starts `flow` for a trigger, unless this trigger already started it. Returns the run's id.
    @discardableResult
    public static func start(
        _ flow: LoadedFlow, customer: Int64?, triggerKey: String, context: JSONValue, writer: StoreWriter,
        services: FlowServices
    ) async throws -> Int64? {
        let definition = flow.definition
        if definition.purpose == .marketing && customer == nil { return nil }
        let heldOut = definition.holdout > 0 && unitHash("\(writer.storeID):\(flow.name):\(triggerKey)") < definition.holdout
        let runs = FlowRunRepository(sql: writer.sql, storeID: writer.storeID)
        guard
            var run = try await runs.start(
                flow: flow.name, version: flow.version, customer: customer, triggerKey: triggerKey, heldOut: heldOut,
                context: context, now: writer.now)
        else { return nil }
        if !heldOut { try await advance(&run, definition: definition, writer: writer, services: services, resuming: false) }
        return run.id
    }

    /// Continues a waiting run (the `flow.resume` job).
    public static func resume(run id: Int64, writer: StoreWriter, services: FlowServices) async throws {
        let runs = FlowRunRepository(sql: writer.sql, storeID: writer.storeID)
        guard var run = try await runs.find(id: id), run.status == "waiting" else { return }
        guard
            let document = try await FlowRepository(sql: writer.sql, storeID: writer.storeID).definition(
                run.flow, version: run.version),
            let definition = LoadedFlow.parse(stored: document)
        else {
            run.status = "exited"
            return try await runs.update(run, exitReason: "flow version missing", now: writer.now)
        }
        try await advance(&run, definition: definition, writer: writer, services: services, resuming: true)
    }

    /// Before a resume's write transaction: evaluates a rule condition the run is about to meet.
    public static func prepare(run id: Int64, store: Int64, database: Database, services: FlowServices) async throws {
        let pending = try await database.read { sql -> String? in
            guard let run = try await FlowRunRepository(sql: sql, storeID: store).find(id: id), run.status == "waiting",
                let document = try await FlowRepository(sql: sql, storeID: store).definition(run.flow, version: run.version),
                let definition = LoadedFlow.parse(stored: document)
            else { return nil }
            for step in definition.steps.dropFirst(Int(run.step)) {
                if let variant = step.variant, variant != run.variant { continue }
                if case .condition(.rule(let source)) = step.action { return source }
                if case .send = step.action { continue }
                if case .tag = step.action { continue }
                if case .split = step.action { continue }
                return nil
            }
            return nil
        }
        if let pending { try await services.rules.prime(source: pending, store: store) }
    }

    static func advance(
        _ run: inout FlowRun, definition: FlowDefinition, writer: StoreWriter, services: FlowServices, resuming: Bool
    ) async throws {
        let runs = FlowRunRepository(sql: writer.sql, storeID: writer.storeID)
        if resuming, let event = try await exitEvent(run, definition: definition, writer: writer) {
            run.status = "exited"
            return try await runs.update(run, exitReason: "exit event \(event)", now: writer.now)
        }
        run.status = "active"
        while Int(run.step) < definition.steps.count {
            let index = Int(run.step)
            let step = definition.steps[index]
            run.step += 1
            if let variant = step.variant, variant != run.variant { continue }
            switch step.action {
            case .wait(let seconds):
                return try await wait(&run, until: writer.now + seconds * 1_000, writer: writer)
            case .waitUntilHour(let hour):
                let zone = try await timeZone(of: run.customer, writer: writer)
                return try await wait(&run, until: LocalTime.next(hour: hour, after: writer.now, in: zone), writer: writer)
            case .waitForBestTime:
                let at = try await services.sendTimes.nextBestTime(
                    customer: run.customer, store: writer.storeID, after: writer.now, in: writer.sql)
                return try await wait(&run, until: at, writer: writer)
            case .send(let channel, let template):
                try await MessageOutbox.enqueue(
                    NewMessage(
                        store: writer.storeID, customer: run.customer, flow: definition.name, template: template,
                        channel: channel,
                        purpose: definition.purpose.rawValue, context: run.context,
                        dedupeKey: "\(definition.name):run:\(run.id):step:\(index)",
                        messageId: FlowTriggers.messageIdLocalPart(
                            store: writer.storeID, dedupeKey: "\(definition.name):run:\(run.id):step:\(index)"),
                        sendAt: writer.now, flowRun: run.id, step: Int64(index), variant: run.variant, topic: definition.topic),
                    now: writer.now, in: writer.sql)
            case .condition(let condition):
                guard let holds = try await FlowConditions.holds(condition, run: run, writer: writer, services: services) else {
                    run.step = Int64(index)
                    return try await wait(&run, until: writer.now, writer: writer, retryKey: "\(writer.now)")
                }
                if !holds {
                    run.status = "exited"
                    return try await runs.update(run, exitReason: "condition at step \(index) not met", now: writer.now)
                }
            case .split(let options):
                run.variant = pick(options, seed: "\(writer.storeID):\(run.id):\(index)")
            case .tag(let tag):
                if let customer = run.customer { try await addTag(tag, customer: customer, writer: writer) }
            case .webhook(let url):
                try await JobQueue.enqueue(
                    JobQueue.Enqueue(
                        kind: WebhookJob.kind, store: writer.storeID,
                        payload: [
                            "url": .string(url),
                            "event": [
                                "type": "flow.step", "flow": .string(definition.name), "runId": .int(run.id),
                                "step": .int(Int64(index)), "customerId": JSONValue(run.customer), "context": run.context,
                            ],
                        ], runAt: writer.now, dedupeKey: "flow-webhook:\(run.id):\(index)", maxAttempts: 8),
                    now: writer.now, in: writer.sql)
            }
        }
        run.status = "completed"
        run.nextAt = nil
        try await runs.update(run, now: writer.now)
    }

    static func wait(_ run: inout FlowRun, until: Int64, writer: StoreWriter, retryKey: String = "") async throws {
        run.status = "waiting"
        run.nextAt = until
        try await FlowRunRepository(sql: writer.sql, storeID: writer.storeID).update(run, now: writer.now)
        try await JobQueue.enqueue(
            JobQueue.Enqueue(
                kind: resumeKind, store: writer.storeID, payload: ["run": .int(run.id)], runAt: until,
                dedupeKey: "\(resumeKind):\(run.id):\(run.step)\(retryKey.isEmpty ? "" : ":\(retryKey)")", maxAttempts: 10),
            now: writer.now, in: writer.sql)
    }

    /// The first exit event the customer had since the run started, if any. Orders count whatever
    /// source they came from.
    static func exitEvent(_ run: FlowRun, definition: FlowDefinition, writer: StoreWriter) async throws -> String? {
        guard let customer = run.customer, !definition.exitOn.isEmpty else { return nil }
        for type in definition.exitOn {
            if ["Order Completed", "Order Placed"].contains(type),
                try await FlowConditions.orderedSince(run.startedAt, customer: customer, writer: writer)
            {
                return type
            }
            if try await writer.sql.raw(
                """
                SELECT id FROM events WHERE store_id = \(bind: writer.storeID) AND customer_id = \(bind: customer)
                    AND type = \(bind: type) AND occurred_at > \(bind: run.startedAt) LIMIT 1
                """
            ).first() != nil {
                return type
            }
        }
        return nil
    }

    static func timeZone(of customer: Int64?, writer: StoreWriter) async throws -> TimeZone {
        guard let customer,
            let name = try await writer.sql.raw("SELECT time_zone FROM customers WHERE id = \(bind: customer)").first()?.text(
                "time_zone"),
            let zone = TimeZone(identifier: name)
        else { return TimeZone(identifier: "UTC")! }
        return zone
    }

    static func addTag(_ tag: String, customer: Int64, writer: StoreWriter) async throws {
        guard let row = try await writer.sql.raw("SELECT tags FROM customers WHERE id = \(bind: customer)").first() else {
            return
        }
        var tags = (try row.json("tags", fallback: []).arrayValue ?? []).compactMap(\.stringValue)
        guard !tags.contains(tag) else { return }
        tags.append(tag)
        try await writer.sql.raw(
            """
            UPDATE customers SET tags = \(bind: JSONValue.array(tags.map(JSONValue.string)).serialized()),
                updated_at = \(bind: writer.now) WHERE id = \(bind: customer)
            """
        ).run()
    }

    static func pick(_ options: [(name: String, weight: Int)], seed: String) -> String {
        let total = options.map(\.weight).reduce(0, +)
        var point = unitHash(seed) * Double(total)
        for option in options {
            point -= Double(option.weight)
            if point < 0 { return option.name }
        }
        return options.last?.name ?? ""
    }

    /// A stable number in [0, 1) for `seed`, the same in every process.
    static func unitHash(_ seed: String) -> Double {
        let digest = Array(SHA256.hash(data: Data(seed.utf8)))
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return Double(value >> 11) / Double(UInt64(1) << 53)
    }
}
