import Foundation
import Metrics
import PatronCore
import PatronStore

/// The ingest pipeline: every source's operations are applied here, in one write transaction per
/// call, so an acknowledgement always means committed.
public struct Ingestor: Sendable {
    public let database: Database
    public let clock: @Sendable () -> Date
    /// What flows started by incoming data need.
    public let flows: FlowServices

    public init(database: Database, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.clock = clock
        self.flows = FlowServices(database: database)
    }

    /// Runs `body` in one write transaction of `store`.
    public func transact<T: Sendable>(store: Int64, _ body: (StoreWriter) async throws -> T) async throws -> T {
        let now = clock()
        return try await database.write(store: store) { sql in
            try await body(StoreWriter(sql: sql, storeID: store, now: now))
        }
    }

    /// Applies operations in one transaction and returns one result per operation (nil where an
    /// operation has no single resulting row, such as an erasure of an unknown customer).
    public func apply(store: Int64, operations: [IngestOperation], source: DataSource) async throws -> [WriteResult?] {
        try await transact(store: store) { writer in
            try await Self.apply(operations, source: source, writer: writer, flows: flows)
        }
    }

    /// Applies operations with an open writer; consecutive events go to the database together. Flows
    /// whose trigger a write matches start in the same transaction.
    public static func apply(
        _ operations: [IngestOperation], source: DataSource, writer: StoreWriter, flows: FlowServices
    ) async throws -> [WriteResult?] {
        let triggers = FlowTriggerSession(writer: writer, source: source, services: flows)
        var results: [WriteResult?] = []
        results.reserveCapacity(operations.count)
        var pendingEvents: [EventInput] = []
        func flushEvents() async throws {
            guard !pendingEvents.isEmpty else { return }
            let inserted = try await writer.insertEvents(pendingEvents)
            try await triggers.afterEvents(pendingEvents, results: inserted)
            results.append(contentsOf: inserted)
            pendingEvents.removeAll(keepingCapacity: true)
        }
        for operation in operations {
            if case .event(let event) = operation {
                pendingEvents.append(event)
                continue
            }
            try await flushEvents()
            try await triggers.beforeWrite(operation)
            let result = try await apply(operation, writer: writer)
            try await triggers.afterWrite(operation, result: result)
            results.append(result)
        }
        try await flushEvents()
        IngestMetrics.record(operations, source: source)
        return results
    }

    /// Applies operations one by one so that an item the store rejects (a variant of another product, a
    /// refund moved to another order, amounts out of range) fails alone: each non-event item runs inside a
    /// savepoint that is rolled back on a validation failure. Events go in bulk (they cannot fail that way).
    public static func applyEach(
        _ operations: [IngestOperation], source: DataSource, writer: StoreWriter, flows: FlowServices
    ) async throws -> [Result<WriteResult?, ValidationFailure>] {
        if operations.allSatisfy({ if case .event = $0 { true } else { false } }) {
            return try await apply(operations, source: source, writer: writer, flows: flows).map { .success($0) }
        }
        var results: [Result<WriteResult?, ValidationFailure>] = []
        for operation in operations {
            try await writer.savepoint()
            do {
                let result = try await apply([operation], source: source, writer: writer, flows: flows).first ?? nil
                try await writer.releaseSavepoint()
                results.append(.success(result))
            } catch let failure as ValidationFailure {
                try await writer.rollbackToSavepoint()
                results.append(.failure(failure))
            }
        }
        return results
    }

    static func apply(_ operation: IngestOperation, writer: StoreWriter) async throws -> WriteResult? {
        switch operation {
        case .customer(let input): return try await writer.upsertCustomer(input)
        case .product(let input): return try await writer.upsertProduct(input)
        case .order(let input): return try await writer.upsertOrder(input)
        case .orderStatus(let update): return try await writer.applyOrderStatus(update)
        case .refund(let input): return try await writer.upsertRefund(input)
        case .shipment(let input): return try await writer.upsertShipment(input)
        case .event(let input): return try await writer.insertEvents([input]).first
        case .linkAnonymous(let anonymousId, let customer):
            guard let id = try await writer.resolveCustomer(customer) else { return nil }
            try await writer.linkAnonymous(anonymousId, customerId: id)
            return WriteResult(id: id, outcome: .updated)
        case .eraseCustomer(let customer):
            guard let id = try await writer.eraseCustomers(matching: customer).first else { return nil }
            return WriteResult(id: id, outcome: .updated)
        case .eraseStore:
            _ = try await writer.eraseAllCustomers()
            return nil
        case .dataRequest(let customer, let requestId):
            let id = try await writer.findCustomer(customer)
            try await writer.recordDataRequest(
                customerId: id, source: "shopify", requestId: requestId,
                subject: .compactObject([
                    "externalId": customer.externalId.map(JSONValue.string), "email": customer.email.map(JSONValue.string),
                ]))
            return id.map { WriteResult(id: $0, outcome: .updated) }
        }
    }
}

/// Counters of ingested items by source and kind, exported at `/metrics`.
enum IngestMetrics {
    static func record(_ operations: [IngestOperation], source: DataSource) {
        var counts: [String: Int64] = [:]
        for operation in operations { counts[operation.kindName, default: 0] += 1 }
        for (kind, count) in counts {
            Counter(label: "patron_ingested_items_total", dimensions: [("source", source.rawValue), ("kind", kind)])
                .increment(by: count)
        }
    }
}

extension IngestOperation {
    public var kindName: String {
        switch self {
        case .customer: "customer"
        case .product: "product"
        case .order, .orderStatus: "order"
        case .refund: "refund"
        case .shipment: "shipment"
        case .event: "event"
        case .linkAnonymous: "identity"
        case .eraseCustomer, .eraseStore: "erasure"
        case .dataRequest: "data_request"
        }
    }
}
