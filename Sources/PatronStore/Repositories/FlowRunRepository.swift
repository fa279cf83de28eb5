import PatronCore
import SQLKit

/// One customer's way through one flow version.
public struct FlowRun: Sendable, Equatable {
    public var id: Int64
    public var flow: String
    public var version: Int64
    public var customer: Int64?
    public var triggerKey: String
    /// active, waiting, completed, exited, held_out
    public var status: String
    public var step: Int64
    public var variant: String?
    public var heldOut: Bool
    public var context: JSONValue
    public var startedAt: Int64
    public var nextAt: Int64?
}

/// Flow runs: started at most once per flow and trigger key, advanced step by step inside write
/// transactions.
public struct FlowRunRepository: Sendable {
    public let sql: any SQLDatabase
    public let storeID: Int64

    public init(sql: any SQLDatabase, storeID: Int64) {
        self.sql = sql
        self.storeID = storeID
    }

    /// Starts a run, or returns nil when this trigger already started one.
    public func start(
        flow: String, version: Int64, customer: Int64?, triggerKey: String, heldOut: Bool, context: JSONValue, now: Int64
    ) async throws -> FlowRun? {
        guard
            let id = try await sql.raw(
                """
                INSERT INTO flow_runs (store_id, flow, version, customer_id, trigger_key, status, step, held_out, context,
                    started_at)
                VALUES (\(bind: storeID), \(bind: flow), \(bind: version), \(bind: customer), \(bind: triggerKey),
                    \(bind: heldOut ? "held_out" : "active"), 0, \(bind: heldOut ? 1 : 0), \(bind: context.serialized()), \(bind: now))
                ON CONFLICT (store_id, flow, trigger_key) DO NOTHING RETURNING id
                """
            ).first()?.int("id")
        else { return nil }
        return FlowRun(
            id: id, flow: flow, version: version, customer: customer, triggerKey: triggerKey,
            status: heldOut ? "held_out" : "active", step: 0, variant: nil, heldOut: heldOut, context: context, startedAt: now,
            nextAt: nil)
    }

    public func find(id: Int64) async throws -> FlowRun? {
        try await sql.raw(
            """
            SELECT id, flow, version, customer_id, trigger_key, status, step, variant, held_out, context, started_at, next_at
            FROM flow_runs WHERE store_id = \(bind: storeID) AND id = \(bind: id)
            """
        ).first().map { row in
            FlowRun(
                id: try row.int("id"), flow: try row.requiredText("flow"), version: try row.int("version"),
                customer: try row.optionalInt("customer_id"), triggerKey: try row.requiredText("trigger_key"),
                status: try row.requiredText("status"), step: try row.int("step"), variant: try row.text("variant"),
                heldOut: try row.int("held_out") == 1, context: try row.json("context", fallback: [:]),
                startedAt: try row.int("started_at"), nextAt: try row.optionalInt("next_at"))
        }
    }

    public func update(_ run: FlowRun, exitReason: String? = nil, now: Int64) async throws {
        let finished = ["completed", "exited", "held_out"].contains(run.status)
        try await sql.raw(
            """
            UPDATE flow_runs SET status = \(bind: run.status), step = \(bind: run.step), variant = \(bind: run.variant),
                next_at = \(bind: run.nextAt), exit_reason = COALESCE(\(bind: exitReason), exit_reason),
                finished_at = \(bind: finished ? now : nil)
            WHERE store_id = \(bind: storeID) AND id = \(bind: run.id)
            """
        ).run()
    }
}
