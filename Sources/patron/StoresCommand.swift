import ArgumentParser
import Foundation
import PatronCore
import PatronStore

struct StoresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stores", abstract: "Create and list stores.", subcommands: [Create.self, List.self, Update.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a store and print its keys (shown once).")
        @OptionGroup var databaseOptions: DatabaseOptions
        @Option(help: "The store's name.") var name: String
        @Flag(help: "Print the keys as one JSON object.") var json = false

        func run() async throws {
            let name = name.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.count <= 200 else { throw UserError("--name must be 1 to 200 characters") }
            let credentials = try await databaseOptions.withDatabase { try await StoreRepository.create(name: name, in: $0) }
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
            discussion:
                "Shopify signs webhooks with your app's client secret (or the key shown in the shop's admin): set it here.")
        @OptionGroup var databaseOptions: DatabaseOptions
        @Argument(help: "The store id.") var id: Int64
        @Option(help: "The secret that signs the store's Shopify webhooks.") var webhookSecret: String

        func run() async throws {
            let secret = webhookSecret.trimmingCharacters(in: .whitespaces)
            guard secret.count >= 8, secret.count <= 500 else { throw UserError("--webhook-secret must be 8 to 500 characters") }
            let id = id
            let updated = try await databaseOptions.withDatabase {
                try await StoreRepository.setWebhookSecret(secret, store: id, in: $0)
            }
            guard updated else { throw UserError("no store with id \(id): see `patron stores list`") }
            print("store \(id): webhook secret updated")
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
