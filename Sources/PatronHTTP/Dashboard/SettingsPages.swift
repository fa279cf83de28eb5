import Foundation
import Hummingbird
import PatronCore
import PatronEngine
import PatronMessaging
import PatronStore
import SQLKit

/// Settings: store details and branding, API keys, the Shopify webhook set-up, channels with a test
/// send, consent texts, frequency caps and quiet hours, and users. Keys, channels and users are for owners.
extension DashboardController {
    func settings(
        _ request: Request, _ context: PatronRequestContext, created: (kind: String, key: String)?, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let session = try context.session()
        let store = session.storeID
        let (sender, messaging, keys, users, webhookSecret) = try await database.read { sql in
            let sender = try await StoreRepository.senderSettings(store: store, in: sql)
            let messaging = try await MessagingSettings.load(store: store, in: sql)
            let keys = try await sql.raw(
                """
                SELECT id, kind, prefix, label, created_at, revoked_at FROM api_keys WHERE store_id = \(bind: store)
                ORDER BY revoked_at IS NOT NULL, id DESC LIMIT 100
                """
            ).all().map { row -> [String: String] in
                let revoked = try row.optionalInt("revoked_at")
                return [
                    "id": String(try row.int("id")),
                    "kind": try row.requiredText("kind") == "secret" ? "Secret" : "Write (storefront)",
                    "prefix": try row.requiredText("prefix") + "…", "label": try row.text("label") ?? "",
                    "created": DisplayFormat.date(milliseconds: try row.int("created_at")),
                    "revokedAt": revoked.map { DisplayFormat.date(milliseconds: $0) } ?? "",
                ]
            }
            let users = try await DashboardUserRepository(sql: sql).list(store: store)
            let secret = try await sql.raw("SELECT webhook_secret FROM stores WHERE id = \(bind: store)").first()?.text(
                "webhook_secret")
            return (sender, messaging, keys, users, secret)
        }
        let isOwner = session.role == .owner
        let branding = sender?.branding ?? [:]
        var values: [String: Any] = [
            "storeName": sender?.storeName ?? session.storeName, "fromEmail": sender?.fromEmail ?? "",
            "fromName": sender?.fromName ?? "", "replyTo": sender?.replyTo ?? "",
            "brandColor": branding["color"]?.stringValue ?? "", "logoUrl": branding["logoUrl"]?.stringValue ?? "",
            "shopUrl": branding["url"]?.stringValue ?? "",
            "consentEmail": branding["consentEmailText"]?.stringValue
                ?? "Email me news and offers. I can unsubscribe at any time.",
            "consentSms": branding["consentSmsText"]?.stringValue
                ?? "Text me offers and reminders. Message and data rates may apply. Reply STOP to opt out.",
            "messaging": [
                [
                    "name": "emailCapHours", "label": "Marketing e-mails: at most one every (hours)",
                    "value": messaging.emailCapHours,
                ],
                ["name": "smsCapHours", "label": "Marketing texts: at most one every (hours)", "value": messaging.smsCapHours],
                [
                    "name": "quietStart", "label": "Quiet hours for texts start at (local hour, 0–23)",
                    "value": messaging.quietStart,
                ],
                ["name": "quietEnd", "label": "Quiet hours end at (local hour, 0–23)", "value": messaging.quietEnd],
                [
                    "name": "emailClickDays", "label": "Attribution window after an e-mail click (days)",
                    "value": messaging.emailClickDays,
                ],
                [
                    "name": "emailOpenDays", "label": "Attribution window after an e-mail open (days)",
                    "value": messaging.emailOpenDays,
                ],
                [
                    "name": "smsClickDays", "label": "Attribution window after a text click (days)",
                    "value": messaging.smsClickDays,
                ],
            ] as [[String: Any]],
            "keys": keys.map { key -> [String: Any] in
                var row: [String: Any] = key
                row["revoked"] = key["revokedAt"]?.isEmpty == false
                return row
            },
            "isOwner": isOwner,
            "users": users.map { user -> [String: Any] in
                [
                    "id": user.id, "email": user.email, "role": user.role.rawValue, "isSelf": user.id == session.userID,
                    "lastSignIn": DisplayFormat.dateTime(milliseconds: user.lastSignInAt),
                ]
            },
            "roles": DashboardRole.allCases.map(\.rawValue),
            "shopifyURL": "\(publicURL)/webhooks/shopify/\(store)",
            "smtpUrl": sender?.smtpURL.flatMap { try? SMTPRelay(url: $0).description } ?? "",
            "defaultRelay": defaultRelay?.description ?? "", "hasDefaultRelay": defaultRelay != nil,
            "smsUrl": sender?.smsURL.flatMap { try? TwilioRelay(url: $0).description } ?? "",
            "smsFrom": sender?.smsFrom ?? "", "whatsappFrom": sender?.whatsappFrom ?? "",
            "dkimSelector": sender?.dkimSelector ?? "", "dkimConfigured": sender?.dkimPrivateKey != nil,
        ]
        if isOwner { values["webhookSecret"] = webhookSecret ?? "" }
        if let created {
            values["newKey"] = created.key
            values["newKeyKind"] = created.kind
        }
        return try view.page(
            "settings", title: "Settings", section: .settings, session: session, request: request, values: values, error: error,
            status: status)
    }

    func field(_ context: PatronRequestContext, _ name: String) -> String {
        (context.form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func saveStoreSettings(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.require(.owner, .marketer)
        let store = session.storeID
        let name = field(context, "storeName")
        guard !name.isEmpty, name.count <= 200 else {
            return try await settings(
                request, context, created: nil, error: "Store name: expected 1 to 200 characters.", status: .unprocessableContent)
        }
        guard let current = try await StoreRepository.senderSettings(store: store, in: database) else {
            throw Problem.notFound("no store \(store)")
        }
        var changes = SenderSettings.Changes()
        changes.fromEmail = field(context, "fromEmail")
        changes.fromName = field(context, "fromName")
        changes.replyTo = field(context, "replyTo")
        var branding = current.branding.objectValue ?? [:]
        for (form, key) in [("brandColor", "color"), ("logoUrl", "logoUrl"), ("shopUrl", "url")] {
            let value = field(context, form)
            branding[key] = value.isEmpty ? nil : .string(value)
        }
        for (form, key) in [("consentEmail", "consentEmailText"), ("consentSms", "consentSmsText")] {
            let value = field(context, form)
            guard value.count <= 1_000 else {
                return try await settings(
                    request, context, created: nil, error: "Consent text: expected at most 1,000 characters.",
                    status: .unprocessableContent)
            }
            branding[key] = value.isEmpty ? nil : .string(value)
        }
        if session.role == .owner {
            changes.smtpURL = context.form["smtpUrl"].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap {
                $0.contains("•") ? nil : $0
            }
            changes.smsURL = context.form["smsUrl"].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap {
                $0.contains("•") ? nil : $0
            }
            changes.smsFrom = context.form["smsFrom"].map { $0.trimmingCharacters(in: .whitespaces) }
            changes.whatsappFrom = context.form["whatsappFrom"].map { $0.trimmingCharacters(in: .whitespaces) }
        }
        changes.branding = .object(branding)
        let errors = changes.validationErrors(applyingTo: current)
        guard errors.isEmpty else {
            return try await settings(
                request, context, created: nil, error: errors.map { "\($0.field): \($0.message)" }.joined(separator: "; "),
                status: .unprocessableContent)
        }
        try await StoreRepository.updateSender(changes, store: store, in: database)
        try await database.write(store: store) { sql in
            try await sql.raw("UPDATE stores SET name = \(bind: name) WHERE id = \(bind: store)").run()
        }
        return DashboardView.redirect("/app/settings?notice=saved")
    }

    func saveMessagingSettings(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.require(.owner, .marketer)
        var members: [String: JSONValue] = [:]
        for (key, range) in MessagingSettings.ranges {
            guard let value = Int64(field(context, key)), range.contains(value) else {
                return try await settings(
                    request, context, created: nil,
                    error: "\(key): expected a whole number from \(range.lowerBound) to \(range.upperBound).",
                    status: .unprocessableContent)
            }
            members[key] = .int(value)
        }
        try await database.write(store: session.storeID) { sql in
            try await MessagingSettings.save(MessagingSettings(json: .object(members)), store: session.storeID, in: sql)
        }
        return DashboardView.redirect("/app/settings?notice=saved#messaging")
    }

    func createKey(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.require(.owner)
        guard let kind = APIKeyKind(rawValue: field(context, "kind")) else {
            return try await settings(
                request, context, created: nil, error: "Kind: expected secret or write.", status: .unprocessableContent)
        }
        let label = String(field(context, "label").prefix(100))
        let key = try await StoreRepository.createKey(
            kind: kind, label: label.isEmpty ? nil : label, store: session.storeID, in: database, now: clock())
        return try await settings(request, context, created: (kind.rawValue, key))
    }

    func revokeKey(_ context: PatronRequestContext) async throws -> Response {
        let session = try context.require(.owner)
        let id = try pathId(context, "API key")
        guard try await StoreRepository.revokeKey(id: id, store: session.storeID, in: database, now: clock()) else {
            throw Problem.notFound("This store has no live key \(id).")
        }
        await keys.clear()
        return DashboardView.redirect("/app/settings?notice=key-revoked#keys")
    }

    /// A short e-mail through the store's relay, to check the channel works.
    func sendChannelTest(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.require(.owner, .marketer)
        let address = field(context, "email")
        guard EmailAddress.isValid(address) else {
            return try await settings(
                request, context, created: nil, error: "Test e-mail: expected an e-mail address such as you@example.com.",
                status: .unprocessableContent)
        }
        let sender = try await StoreRepository.senderSettings(store: session.storeID, in: database)
        guard let from = sender?.fromEmail, !from.isEmpty else {
            return try await settings(
                request, context, created: nil, error: "Test e-mail: set the From address first.", status: .unprocessableContent)
        }
        let email = EmailMessage(
            from: Mailbox(address: from, name: sender?.fromName), to: Mailbox(address: address),
            subject: "[Test] Patron can send e-mail for \(sender?.storeName ?? "your store")",
            text: "This test from the Patron dashboard reached you, so the e-mail channel works.",
            html: "<p>This test from the Patron dashboard reached you, so the e-mail channel works.</p>",
            messageId: "test-\(KeyGenerator.random(bytes: 12))@patron.invalid", date: clock())
        let relayURL = sender?.smtpURL
        if let failure = try await sendNow(email, relayURL: relayURL, signer: try? sender?.dkimSigner()) {
            return try await settings(request, context, created: nil, error: "Test e-mail: \(failure)", status: .badGateway)
        }
        return DashboardView.redirect("/app/settings?notice=test-sent#channels")
    }

    func createUser(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.require(.owner)
        let email = field(context, "email")
        let password = context.form["password"] ?? ""
        guard EmailAddress.isValid(email) else {
            return try await settings(
                request, context, created: nil, error: "User e-mail: expected an e-mail address.", status: .unprocessableContent)
        }
        guard let role = DashboardRole(rawValue: field(context, "role")) else {
            return try await settings(
                request, context, created: nil, error: "Role: expected owner, marketer or support.", status: .unprocessableContent
            )
        }
        if let problem = PasswordHashing.problem(with: password) {
            return try await settings(
                request, context, created: nil, error: "Password: \(problem).", status: .unprocessableContent)
        }
        let hash = try await PasswordHashing.hash(password)
        do {
            _ = try await database.write(store: session.storeID) {
                try await DashboardUserRepository(sql: $0).create(
                    store: session.storeID, email: email, role: role, passwordHash: hash, now: now)
            }
        } catch DashboardUserRepository.SaveError.emailTaken {
            return try await settings(
                request, context, created: nil, error: "User e-mail: \(email) already has a Patron account.",
                status: .unprocessableContent)
        }
        return DashboardView.redirect("/app/settings?notice=user-created#users")
    }

    func deleteUser(_ context: PatronRequestContext) async throws -> Response {
        let session = try context.require(.owner)
        let id = try pathId(context, "user")
        guard id != session.userID else {
            throw Problem(
                status: .unprocessableContent, title: "Not allowed", detail: "You cannot remove yourself; ask another owner.")
        }
        guard
            try await database.write(
                store: session.storeID, { try await DashboardUserRepository(sql: $0).delete(id: id, store: session.storeID) })
        else { throw Problem.notFound("This store has no user \(id).") }
        return DashboardView.redirect("/app/settings?notice=user-deleted#users")
    }
}
