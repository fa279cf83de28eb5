import Foundation
import PatronCore
import PatronMessaging
import PatronStore

/// Outgoing webhooks as queued jobs (from flow steps): signed with the store's secret per Standard
/// Webhooks, retried with backoff and jitter or at the receiver's Retry-After, never to a private
/// address. A 410 Gone disables the endpoint for the store (it joins the suppression list).
public enum WebhookJob {
    public static let kind = "webhook.deliver"

    public static func handler(database: Database, allowPrivateAddresses: Bool, clock: @escaping @Sendable () -> Date)
        -> JobWorker.Handler
    {
        { job in
            guard let store = job.store, let url = job.payload["url"]?.stringValue else {
                throw PermanentJobError("a webhook job needs a store and a url")
            }
            let disabled = try await database.read { sql in
                try await SuppressionList.reason(channel: "webhook", address: url, store: store, in: sql)
            }
            if let disabled { throw PermanentJobError("the endpoint is disabled (\(disabled))") }
            guard
                let secret = try await StoreRepository.outboundWebhookSecret(
                    store: store, in: database, generate: StandardWebhookSigner.generateSecret),
                let signer = try? StandardWebhookSigner(secret: secret)
            else { throw PermanentJobError("the store has no usable webhook signing secret") }
            let now = clock()
            let timestamp = Int64(now.timeIntervalSince1970)
            let body = JSONValue.object([
                "type": job.payload["event"]?["type"] ?? "patron.event",
                "timestamp": .string(Timestamp.format(now)), "data": job.payload["event"] ?? [:],
            ]).serialized()
            let sender = WebhookSender(signer: signer, allowPrivateAddresses: allowPrivateAddresses)
            switch await sender.send(url: url, id: "msg_patron_\(job.id)", timestamp: timestamp, body: Array(body.utf8)) {
            case .delivered:
                return
            case .retry(let reason, let after):
                if let after { throw RetryJobLater(afterMilliseconds: after * 1_000, reason: reason) }
                throw WebhookFailed(reason: reason)
            case .gone:
                try await database.write(store: store) { sql in
                    try await SuppressionList.add(
                        channel: "webhook", address: url, reason: "gone", source: "HTTP 410", store: store,
                        now: Timestamp.milliseconds(clock()), in: sql)
                }
                throw PermanentJobError("the receiver answered 410 Gone; endpoint disabled")
            case .rejected(let reason):
                throw PermanentJobError(reason)
            }
        }
    }

    struct WebhookFailed: Error, CustomStringConvertible {
        let reason: String
        var description: String { "webhook delivery failed: \(reason)" }
    }
}
