import ArgumentParser
import Foundation
import PatronCore
import PatronEngine
import PatronStore

struct StoresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stores", abstract: "Create and list stores.", subcommands: [Create.self, List.self, Update.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a store and print its keys (shown once).")
        @OptionGroup var databaseOptions: DatabaseOptions
        @Option(help: "The store's name.") var name: String
        @Option(help: "The address the store's messages come from (shop@example.com).") var fromEmail: String?
        @Option(help: "The sender name shown to customers (default: the store's name).") var fromName: String?
        @Flag(help: "Print the keys as one JSON object.") var json = false

        func run() async throws {
            let name = name.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.count <= 200 else { throw UserError("--name must be 1 to 200 characters") }
            var sender = SenderSettings.Changes()
            sender.fromEmail = fromEmail
            sender.fromName = fromName
            try checkSender(sender, current: nil)
            let changes = sender
            let credentials = try await databaseOptions.withDatabase { database in
                let credentials = try await StoreRepository.create(name: name, in: database)
                try await StoreRepository.updateSender(changes, store: credentials.id, in: database)
                return credentials
            }
            if json {
                print(credentialsJSON(credentials).serialized())
            } else {
                print(
                    """
                    Created store \(credentials.id) "\(credentials.name)". These keys are shown once; keep them safe.
                      secret key (REST API, Authorization: Bearer):  \(credentials.secretKey)
                      write key (Segment API and storefront):        \(credentials.writeKey)
                      webhook secret (Shopify HMAC):                 \(credentials.webhookSecret)
                    """)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a store's settings.",
            discussion: """
                Shopify signs webhooks with your app's client secret (or the key shown in the shop's admin): set it \
                with --webhook-secret. An empty value clears an optional setting (--reply-to "").
                """)
        @OptionGroup var databaseOptions: DatabaseOptions
        @Argument(help: "The store id.") var id: Int64
        @Option(help: "The secret that signs the store's Shopify webhooks.") var webhookSecret: String?
        @Option(help: "The address the store's messages come from.") var fromEmail: String?
        @Option(help: "The sender name shown to customers.") var fromName: String?
        @Option(help: "Where customers' replies go.") var replyTo: String?
        @Option(help: "This store's own SMTP relay (overrides PATRON_SMTP_URL).") var smtpUrl: String?
        @Option(help: "DKIM selector (the DNS name is SELECTOR._domainkey.FROM-DOMAIN).") var dkimSelector: String?
        @Option(help: "A PEM file with the RSA private key that signs the store's mail (DKIM).") var dkimKeyFile: String?
        @Option(help: "Brand colour for emails, like #1f6f5c.") var brandColor: String?
        @Option(help: "Logo shown at the top of emails (an https:// URL).") var logoUrl: String?
        @Option(help: "The shop's address on the web, for buttons in emails.") var shopUrl: String?
        @Option(help: "This store's Twilio-compatible SMS provider: https://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com.")
        var smsUrl: String?
        @Option(help: "The number SMS come from, in E.164 (+15551234567).") var smsFrom: String?
        @Option(help: "The WhatsApp sender number, in E.164.") var whatsappFrom: String?

        func run() async throws {
            let id = id
            if let webhookSecret {
                let secret = webhookSecret.trimmingCharacters(in: .whitespaces)
                guard secret.count >= 8, secret.count <= 500 else {
                    throw UserError("--webhook-secret must be 8 to 500 characters")
                }
                let updated = try await databaseOptions.withDatabase {
                    try await StoreRepository.setWebhookSecret(secret, store: id, in: $0)
                }
                guard updated else { throw UserError("no store with id \(id): see `patron stores list`") }
                print("store \(id): webhook secret updated")
            }
            var changes = SenderSettings.Changes()
            changes.fromEmail = fromEmail
            changes.fromName = fromName
            changes.replyTo = replyTo
            changes.smtpURL = smtpUrl
            changes.dkimSelector = dkimSelector
            changes.smsURL = smsUrl
            changes.smsFrom = smsFrom
            changes.whatsappFrom = whatsappFrom
            if let dkimKeyFile {
                guard let pem = try? String(contentsOfFile: dkimKeyFile, encoding: .utf8) else {
                    throw UserError("--dkim-key-file: cannot read \(dkimKeyFile)")
                }
                changes.dkimPrivateKey = pem
            }
            if brandColor != nil || logoUrl != nil || shopUrl != nil {
                var branding: [String: JSONValue] = [:]
                if let brandColor { branding["color"] = .string(brandColor) }
                if let logoUrl { branding["logoUrl"] = .string(logoUrl) }
                if let shopUrl { branding["url"] = .string(shopUrl) }
                changes.branding = .object(branding)
            }
            let senderChanged = [
                fromEmail, fromName, replyTo, smtpUrl, dkimSelector, dkimKeyFile, brandColor, logoUrl, shopUrl, smsUrl, smsFrom,
                whatsappFrom,
            ].contains { $0 != nil }
            guard senderChanged else {
                if webhookSecret == nil { throw UserError("nothing to change: give at least one option (see --help)") }
                return
            }
            let finalChanges = changes
            let updated = try await databaseOptions.withDatabase { database -> Bool in
                guard let current = try await StoreRepository.senderSettings(store: id, in: database) else { return false }
                var merged = finalChanges
                if let branding = finalChanges.branding?.objectValue, case .object(var existing) = current.branding {
                    for (key, value) in branding { existing[key] = value }
                    merged.branding = .object(existing)
                }
                try checkSender(merged, current: current)
                return try await StoreRepository.updateSender(merged, store: id, in: database)
            }
            guard updated else { throw UserError("no store with id \(id): see `patron stores list`") }
            print("store \(id): sender settings updated")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List stores.")
        @OptionGroup var databaseOptions: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let stores = try await databaseOptions.withDatabase { try await StoreRepository.list(in: $0) }
            if json {
                let items = stores.map { store -> JSONValue in
                    ["id": .int(store.id), "name": .string(store.name), "createdAt": .string(Timestamp.format(store.createdAt))]
                }
                print(JSONValue.array(items).serialized())
                return
            }
            if stores.isEmpty { print("no stores yet: create one with `patron stores create --name NAME`") }
            for store in stores { print("\(store.id)\t\(store.name)\tcreated \(Timestamp.format(store.createdAt))") }
        }
    }
}

func credentialsJSON(_ credentials: StoreCredentials) -> JSONValue {
    [
        "id": .int(credentials.id), "name": .string(credentials.name), "secretKey": .string(credentials.secretKey),
        "writeKey": .string(credentials.writeKey), "webhookSecret": .string(credentials.webhookSecret),
    ]
}

/// Turns sender setting problems into one CLI error naming the options.
func checkSender(_ changes: SenderSettings.Changes, current: SenderSettings?) throws {
    let options = [
        "fromEmail": "--from-email", "fromName": "--from-name", "replyTo": "--reply-to", "smtpUrl": "--smtp-url",
        "dkimSelector": "--dkim-selector", "dkimPrivateKey": "--dkim-key-file", "branding.color": "--brand-color",
        "branding.logoUrl": "--logo-url", "branding.url": "--shop-url", "smsUrl": "--sms-url", "smsFrom": "--sms-from",
        "whatsappFrom": "--whatsapp-from",
    ]
    let errors = changes.validationErrors(applyingTo: current)
    guard errors.isEmpty else {
        throw UserError(errors.map { "\(options[$0.field] ?? $0.field): \($0.message)" }.joined(separator: "; "))
    }
}
