import Foundation
import PatronCore
import PatronEngine
import PatronMessaging
import PatronStore

/// The message a flow's send step would compose for a customer (default: the newest buyer) and one of
/// their orders or shipments, for previews and test sends. Nothing is recorded.
struct FlowPreviewMessage {
    var stepIndex: Int
    var message: OutboxMessage

    static func build(flow name: String, step: Int64?, customer: Int64?, store: Int64, database: Database) async throws
        -> FlowPreviewMessage
    {
        let stored = try await database.read { try await FlowRepository(sql: $0, storeID: store).find(name) }
        guard let flow = stored.flatMap({ LoadedFlow.parse(stored: $0.definition) }) ?? BuiltInFlows.named(name) else {
            throw MessagingController.noFlow(name)
        }
        let sends = flow.steps.enumerated().compactMap { index, step -> (Int, String, String)? in
            if case .send(let channel, let template) = step.action { return (index, channel, template) }
            return nil
        }
        guard let send = step.map({ wanted in sends.first { $0.0 == Int(wanted) } }) ?? sends.first else {
            throw Problem.validation(
                ValidationFailure(
                    field: "step",
                    message: sends.isEmpty
                        ? "this flow has no send step"
                        : "expected the index of a send step: \(sends.map { String($0.0) }.joined(separator: ", "))"))
        }
        guard let sample = try await PreviewSample.find(flow: flow, store: store, customer: customer, in: database) else {
            throw Problem.notFound(
                customer.map { "customer \($0) has nothing to preview this flow with" }
                    ?? "this store has no \(flow.trigger.type == "shipment_milestone" ? "shipment" : "order") to preview with yet"
            )
        }
        return FlowPreviewMessage(
            stepIndex: send.0,
            message: OutboxMessage(
                id: 0, store: store, customer: sample.customer, flow: flow.name, template: send.2, channel: send.1,
                purpose: flow.purpose.rawValue, topic: flow.topic, context: sample.context, messageId: "preview",
                status: "queued", attempts: 0, leaseOwner: ""))
    }
}
