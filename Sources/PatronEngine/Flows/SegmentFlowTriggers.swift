import PatronCore
import PatronStore

/// Starts flows triggered by entering or leaving a saved segment, in the analytics refresh's
/// transaction that records the change; once per customer, segment and refresh.
enum SegmentFlowTriggers {
    static func start(
        segment: SegmentRecord, entered: [Int64], exited: [Int64], refresh: Int64, writer: StoreWriter,
        services: FlowServices
    ) async throws {
        guard !entered.isEmpty || !exited.isEmpty else { return }
        for flow in try await LoadedFlow.enabled(store: writer.storeID, in: writer.sql) {
            let customers: [Int64]
            let change: String
            switch flow.definition.trigger {
            case .segmentEntered(let name) where name == segment.name: (customers, change) = (entered, "entered")
            case .segmentExited(let name) where name == segment.name: (customers, change) = (exited, "exited")
            default: continue
            }
            for customer in customers {
                try await FlowEngine.start(
                    flow, customer: customer, triggerKey: "segment:\(segment.id):\(change):\(customer):\(refresh)",
                    context: ["segmentId": .int(segment.id), "segment": .string(segment.name), "change": .string(change)],
                    writer: writer, services: services)
            }
        }
    }
}
