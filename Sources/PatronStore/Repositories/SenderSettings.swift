import PatronCore
import SQLKit

/// How a store's messages go out: the From identity, an optional own relay, DKIM key and branding.
public struct SenderSettings: Sendable, Equatable {
    public var storeName: String
    public var fromEmail: String?
    public var fromName: String?
    public var replyTo: String?
    /// Overrides the server's default relay (`PATRON_SMTP_URL`) for this store.
    public var smtpURL: String?
    public var dkimSelector: String?
    public var dkimPrivateKey: String?
    /// `{"color": "#1f6f5c", "logoUrl": "...", "address": "...", "url": "..."}`.
    public var branding: JSONValue
    /// A Twilio-compatible Messages API (`https://SID:TOKEN@api.twilio.com`) and the sender numbers.
    public var smsURL: String?
    public var smsFrom: String?
    public var whatsappFrom: String?

    public init(storeName: String) {
        self.storeName = storeName
        branding = [:]
    }

    /// Changes to apply; nil leaves a field as it is, an empty string clears it.
    public struct Changes: Sendable {
        public var fromEmail: String?
        public var fromName: String?
        public var replyTo: String?
        public var smtpURL: String?
        public var dkimSelector: String?
        public var dkimPrivateKey: String?
        public var branding: JSONValue?
        public var smsURL: String?
        public var smsFrom: String?
        public var whatsappFrom: String?

        public init() {}
    }
}

extension StoreRepository {
    public static func senderSettings(store: Int64, in sql: any SQLDatabase) async throws -> SenderSettings? {
        guard
            let row = try await sql.raw(
                """
                SELECT name, from_email, from_name, reply_to, smtp_url, dkim_selector, dkim_private_key, branding, sms_url,
                    sms_from, whatsapp_from
                FROM stores WHERE id = \(bind: store)
                """
            ).first()
        else { return nil }
        var settings = SenderSettings(storeName: try row.requiredText("name"))
        settings.fromEmail = try row.text("from_email")
        settings.fromName = try row.text("from_name")
        settings.replyTo = try row.text("reply_to")
        settings.smtpURL = try row.text("smtp_url")
        settings.dkimSelector = try row.text("dkim_selector")
        settings.dkimPrivateKey = try row.text("dkim_private_key")
        settings.branding = try row.json("branding", fallback: [:])
        settings.smsURL = try row.text("sms_url")
        settings.smsFrom = try row.text("sms_from")
        settings.whatsappFrom = try row.text("whatsapp_from")
        return settings
    }

    public static func senderSettings(store: Int64, in database: Database) async throws -> SenderSettings? {
        try await database.read { try await senderSettings(store: store, in: $0) }
    }

    /// Applies `changes`; false when the store does not exist.
    @discardableResult
    public static func updateSender(_ changes: SenderSettings.Changes, store: Int64, in database: Database) async throws
        -> Bool
    {
        func column(_ value: String?) -> String?? { value.map { $0.isEmpty ? nil : $0 } }
        return try await database.write(store: store) { sql in
            guard try await sql.raw("SELECT id FROM stores WHERE id = \(bind: store)").first() != nil else { return false }
            let assignments: [(String, String??)] = [
                ("from_email", column(changes.fromEmail)), ("from_name", column(changes.fromName)),
                ("reply_to", column(changes.replyTo)), ("smtp_url", column(changes.smtpURL)),
                ("dkim_selector", column(changes.dkimSelector)), ("dkim_private_key", column(changes.dkimPrivateKey)),
                ("branding", changes.branding.map { .some($0.serialized()) }), ("sms_url", column(changes.smsURL)),
                ("sms_from", column(changes.smsFrom)), ("whatsapp_from", column(changes.whatsappFrom)),
            ]
            for (name, value) in assignments {
                guard let value else { continue }
                try await sql.raw("UPDATE stores SET \(unsafeRaw: name) = \(bind: value) WHERE id = \(bind: store)").run()
            }
            return true
        }
    }
}

extension StoreRepository {
    /// The secret that signs the store's outgoing webhooks (Standard Webhooks `whsec_...`), created on
    /// first use.
    public static func outboundWebhookSecret(store: Int64, in database: Database, generate: () -> String) async throws
        -> String?
    {
        let candidate = generate()
        return try await database.write(store: store) { sql in
            try await sql.raw(
                """
                UPDATE stores SET outbound_webhook_secret = \(bind: candidate)
                WHERE id = \(bind: store) AND outbound_webhook_secret IS NULL
                """
            ).run()
            return try await sql.raw("SELECT outbound_webhook_secret FROM stores WHERE id = \(bind: store)").first()?.text(
                "outbound_webhook_secret")
        }
    }
}
