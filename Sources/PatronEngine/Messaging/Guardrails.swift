import Foundation
import PatronCore
import PatronStore
import SQLKit

/// The checks every send passes at the moment it goes out (not when it was queued, because consent
/// and suppressions change meanwhile). Transactional mail needs a deliverable address; marketing mail
/// also needs marketing consent, must not be on a topic the customer opted out of, and respects the
/// store's frequency cap (default one marketing email per 16 hours).
public struct Guardrails: Sendable {
    public init() {}

    /// Why the email must not go out, or nil when it may.
    public func refusal(
        for message: OutboxMessage, address: String, customer: JSONValue?, now: Int64, in sql: any SQLDatabase
    ) async throws -> String? {
        guard EmailAddress.isValid(address) else { return "invalid_email_address" }
        if let reason = try await SuppressionList.reason(channel: "email", address: address, store: message.store, in: sql) {
            return "suppressed_\(reason)"
        }
        let cap = try await MessagingSettings.load(store: message.store, in: sql).emailCapHours
        return try await marketingRefusal(
            message, consent: .email, capChannels: ["email"], capHours: cap, refusedConsent: "no_marketing_consent",
            customer: customer, now: now, in: sql)
    }

    /// The SMS and WhatsApp checks: a number not on the suppression list (STOP replies, dead numbers);
    /// for marketing, SMS consent, the topic, and the text frequency cap.
    public func textRefusal(
        for message: OutboxMessage, phone: String, customer: JSONValue?, now: Int64, in sql: any SQLDatabase
    ) async throws -> String? {
        if let reason = try await SuppressionList.reason(channel: "sms", address: phone, store: message.store, in: sql) {
            return "suppressed_\(reason)"
        }
        let cap = try await MessagingSettings.load(store: message.store, in: sql).smsCapHours
        return try await marketingRefusal(
            message, consent: .sms, capChannels: ["sms", "whatsapp"], capHours: cap, refusedConsent: "no_sms_consent",
            customer: customer, now: now, in: sql)
    }

    /// Whether the customer's latest consent on `channel` (as the customer document shows it) is to subscribe.
    static func subscribed(_ customer: JSONValue?, to channel: ConsentChannel) -> Bool {
        customer?["consent"]?[channel.rawValue]?["state"]?.stringValue == ConsentState.subscribed.rawValue
    }

    /// Consent, topic and frequency cap, for marketing messages only.
    func marketingRefusal(
        _ message: OutboxMessage, consent channel: ConsentChannel, capChannels: [String], capHours: Int64,
        refusedConsent: String, customer: JSONValue?, now: Int64, in sql: any SQLDatabase
    ) async throws -> String? {
        guard message.purpose == "marketing" else { return nil }
        guard Self.subscribed(customer, to: channel) else { return refusedConsent }
        guard let customerId = message.customer else { return nil }
        if let topic = message.topic,
            try await TopicPreferences.optedOut(customerId: customerId, channel: channel.rawValue, store: message.store, in: sql)
                .contains(topic)
        {
            return "topic_opt_out"
        }
        if capHours > 0,
            try await sql.raw(
                """
                SELECT id FROM messages WHERE store_id = \(bind: message.store) AND customer_id = \(bind: customerId)
                    AND channel IN (\(binds: capChannels)) AND purpose = 'marketing' AND status IN ('sent', 'sending')
                    AND COALESCE(sent_at, sending_at) > \(bind: now - capHours * 3_600_000) AND id <> \(bind: message.id)
                LIMIT 1
                """
            ).first() != nil
        {
            return "frequency_cap"
        }
        return nil
    }

    /// When a marketing text may go out if now is inside the store's quiet hours where the customer is
    /// (default 21:00 to 09:00); nil when it may go now.
    public func quietHoursEnd(customer: JSONValue?, store: Int64, now: Int64, in sql: any SQLDatabase) async throws -> Int64? {
        let settings = try await MessagingSettings.load(store: store, in: sql)
        guard settings.quietStart != settings.quietEnd else { return nil }
        let zone = customer?["timeZone"]?.stringValue.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let hour = Int64(calendar.component(.hour, from: Timestamp.date(milliseconds: now)))
        let quiet =
            settings.quietStart < settings.quietEnd
            ? (settings.quietStart..<settings.quietEnd).contains(hour)
            : hour >= settings.quietStart || hour < settings.quietEnd
        return quiet ? LocalTime.next(hour: Int(settings.quietEnd), after: now, in: zone) : nil
    }
}
