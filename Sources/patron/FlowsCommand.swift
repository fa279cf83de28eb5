import ArgumentParser
import Foundation
import PatronCore
import PatronEngine
import PatronMessaging
import PatronStore

/// `patron flows`: the built-in flows of a store and their switches.
struct FlowsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flows", abstract: "List built-in flows and switch them on or off per store.",
        subcommands: [List.self, Enable.self, Disable.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the built-in flows and whether each is on.")
        @OptionGroup var databaseOptions: DatabaseOptions
        @Option(help: "The store id.") var store: Int64
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = store
            let flows = try await databaseOptions.withDatabase { database in
                guard try await StoreRepository.find(id: store, in: database) != nil else { return nil as JSONValue? }
                return try await FlowDirectory(database: database, templateNames: []).list(store: store)
            }
            guard let flows else { throw UserError("no store with id \(store): see `patron stores list`") }
            if json { return print(flows.serialized()) }
            for flow in flows.arrayValue ?? [] {
                let state = flow["enabled"] == .bool(true) ? "on " : "off"
                let version = flow["version"].flatMap { if case .int(let v) = $0 { " v\(v)" } else { nil } } ?? ""
                print(
                    "\(state)  \(flow["name"]?.stringValue ?? "")\(version)\t\(flow["purpose"]?.stringValue ?? "")\t\(flow["title"]?.stringValue ?? "")"
                )
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Switch a built-in flow on for a store.")
        @OptionGroup var switchOptions: SwitchOptions
        func run() async throws { try await switchOptions.set(true) }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Switch a built-in flow off for a store (messages already queued still go out).")
        @OptionGroup var switchOptions: SwitchOptions
        func run() async throws { try await switchOptions.set(false) }
    }

    struct SwitchOptions: ParsableArguments {
        @OptionGroup var databaseOptions: DatabaseOptions
        @Argument(help: "The flow's name (see `patron flows list`).") var name: String
        @Option(help: "The store id.") var store: Int64

        func set(_ enabled: Bool) async throws {
            let (store, name) = (store, name)
            let found = try await databaseOptions.withDatabase { database in
                guard try await StoreRepository.find(id: store, in: database) != nil else { return false }
                do {
                    try await FlowDirectory(database: database, templateNames: []).setEnabled(enabled, flow: name, store: store)
                } catch let refusal as FlowDirectory.Refusal {
                    throw UserError("\(refusal)")
                }
                return true
            }
            guard found else { throw UserError("no store with id \(store): see `patron stores list`") }
            print("store \(store): \(name) \(enabled ? "enabled" : "disabled")")
        }
    }
}
