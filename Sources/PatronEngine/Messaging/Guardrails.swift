import PatronCore
import PatronStore
import SQLKit

/// The checks every send passes at the moment it goes out (not when it was queued, because consent
/// and suppressions change meanwhile). Transactional mail needs a deliverable address; marketing mail
/// also needs marketing consent and must respect the frequency cap.
public struct Guardrails: Sendable {
    /// At most one marketing email per this many hours per customer.
    public var emailCapHours: Int64

    public init(emailCapHours: Int64 = 16) {
        self.emailCapHours = emailCapHours
    }

    /// Why the message must not go out, or nil when it may.
    public func refusal(
        for message: OutboxMessage, address: String, customer: JSONValue?, now: Int64, in sql: any SQLDatabase
    ) async throws -> String? {
        guard EmailAddress.isValid(address) else { return "invalid_email_address" }
        if let reason = try await SuppressionList.reason(channel: "email", address: address, store: message.store, in: sql) {
            return "suppressed_\(reason)"
        }
        guard message.purpose == "marketing" else { return nil }
        guard customer?["consent"]?["email"]?["state"]?.stringValue == ConsentState.subscribed.rawValue else {
            return "no_marketing_consent"
        }
        if let customerId = message.customer, let topic = message.topic,
            try await TopicPreferences.optedOut(customerId: customerId, channel: "email", store: message.store, in: sql)
                .contains(topic)
        {
            return "topic_opt_out"
        }
        if let customerId = message.customer,
            try await sql.raw(
                """
                SELECT id FROM messages WHERE store_id = \(bind: message.store) AND customer_id = \(bind: customerId)
                    AND channel = 'email' AND purpose = 'marketing' AND status IN ('sent', 'sending')
                    AND COALESCE(sent_at, sending_at) > \(bind: now - emailCapHours * 3_600_000) AND id <> \(bind: message.id)
                LIMIT 1
                """
            ).first() != nil
        {
            return "frequency_cap"
        }
        return nil
    }
}
