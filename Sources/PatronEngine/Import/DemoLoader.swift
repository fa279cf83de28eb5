import Foundation
import PatronCore
import PatronStore

/// Loads a generated demo store through the regular ingest pipeline.
public enum DemoLoader {
    public struct Counts: Sendable {
        public var customers = 0
        public var products = 0
        public var orders = 0
        public var shipments = 0
        public var events = 0
    }

    public static func load(_ data: DemoData, store: Int64, ingestor: Ingestor) async throws -> Counts {
        var operations: [IngestOperation] = []
        operations.append(contentsOf: data.products.map(IngestOperation.product))
        operations.append(contentsOf: data.customers.map(IngestOperation.customer))
        operations.append(contentsOf: data.orders.map(IngestOperation.order))
        operations.append(contentsOf: data.shipments.map(IngestOperation.shipment))
        operations.append(contentsOf: data.events.map(IngestOperation.event))
        for start in stride(from: 0, to: operations.count, by: 2_000) {
            let slice = Array(operations[start..<min(operations.count, start + 2_000)])
            _ = try await ingestor.apply(store: store, operations: slice, source: .demo)
        }
        return Counts(
            customers: data.customers.count, products: data.products.count, orders: data.orders.count,
            shipments: data.shipments.count, events: data.events.count)
    }
}
