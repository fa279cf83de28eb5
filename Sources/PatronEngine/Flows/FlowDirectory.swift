import Foundation
import PatronCore
import PatronMessaging
import PatronStore

/// A store's flows as the API and the CLI see them: the built-in library (off until switched on) and
/// the store's own documents, each with its current version.
public struct FlowDirectory: Sendable {
    public let database: Database
    public let templateNames: Set<String>
    /// Development setups may point webhook steps at private addresses (`PATRON_ALLOW_PRIVATE_WEBHOOKS`).
    public let allowPrivateWebhooks: Bool
    public let clock: @Sendable () -> Date

    public init(
        database: Database, templateNames: Set<String>, allowPrivateWebhooks: Bool = false,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.templateNames = templateNames
        self.allowPrivateWebhooks = allowPrivateWebhooks
        self.clock = clock
    }

    public enum Refusal: Error, CustomStringConvertible, Equatable {
        case noSuchFlow(String)
        case senderMissing
        case nameMismatch(path: String, document: String)

        public var description: String {
            switch self {
            case .noSuchFlow(let name):
                "no flow named \"\(name.prefix(60))\"; the built-in flows are \(BuiltInFlows.all.map(\.name).joined(separator: ", "))"
            case .senderMissing:
                "set the store's From address first (patron stores update ID --from-email ..., or PATCH /api/v1/settings/sender)"
            case .nameMismatch(let path, let document):
                "the document's name \"\(document)\" differs from the flow \"\(path)\" it is saved as"
            }
        }
    }

    public func list(store: Int64) async throws -> JSONValue {
        let stored = try await database.read { try await FlowRepository(sql: $0, storeID: store).all() }
        let byName = Dictionary(uniqueKeysWithValues: stored.map { ($0.name, $0) })
        var documents = BuiltInFlows.all.map { document(builtIn: $0, stored: byName[$0.name]) }
        for flow in stored where BuiltInFlows.named(flow.name) == nil { documents.append(document(builtIn: nil, stored: flow)) }
        return .array(documents)
    }

    public func flow(_ name: String, store: Int64) async throws -> JSONValue? {
        let (stored, versions) = try await database.read { sql in
            let repository = FlowRepository(sql: sql, storeID: store)
            return (try await repository.find(name), try await repository.versions(name))
        }
        guard stored != nil || BuiltInFlows.named(name) != nil else { return nil }
        var result = document(builtIn: BuiltInFlows.named(name), stored: stored)
        if case .object(var object) = result {
            object["versions"] = .array(
                versions.map { ["version": .int($0.version), "createdAt": .time(milliseconds: $0.createdAt)] })
            result = .object(object)
        }
        return result
    }

    /// Switches a flow on or off; a built-in flow switched on for the first time stores its document as
    /// version 1. Switching on needs the store's From address.
    public func setEnabled(_ enabled: Bool, flow name: String, store: Int64) async throws {
        let now = Timestamp.milliseconds(clock())
        try await database.write(store: store) { sql in
            if enabled {
                let sender = try await StoreRepository.senderSettings(store: store, in: sql)
                guard sender?.fromEmail?.isEmpty == false else { throw Refusal.senderMissing }
            }
            let repository = FlowRepository(sql: sql, storeID: store)
            if try await repository.setEnabled(enabled, name: name, now: now) { return }
            guard let builtIn = BuiltInFlows.named(name) else { throw Refusal.noSuchFlow(name) }
            _ = try await repository.save(name, definition: builtIn.json, enabled: enabled, now: now)
        }
    }

    /// Validates and saves a document as the flow's next version; returns the flow.
    public func save(_ name: String, document: JSONValue, store: Int64) async throws -> JSONValue {
        let definition = try FlowDefinition.parse(
            document, templates: templateNames, allowPrivateWebhooks: allowPrivateWebhooks)
        guard definition.name == name else { throw Refusal.nameMismatch(path: name, document: definition.name) }
        let now = Timestamp.milliseconds(clock())
        _ = try await database.write(store: store) { sql in
            try await FlowRepository(sql: sql, storeID: store).save(name, definition: definition.json, now: now)
        }
        return try await flow(name, store: store) ?? .null
    }

    func document(builtIn: FlowDefinition?, stored: StoredFlow?) -> JSONValue {
        let definition = stored?.definition ?? builtIn?.json ?? .null
        return [
            "name": definition["name"] ?? .null, "title": definition["title"] ?? .null,
            "summary": definition["summary"] ?? .null, "purpose": definition["purpose"] ?? .null,
            "builtIn": .bool(builtIn != nil), "enabled": .bool(stored?.enabled ?? false),
            "version": JSONValue(stored?.version), "updatedAt": .time(milliseconds: stored?.updatedAt),
            "definition": definition,
        ]
    }
}
