import Foundation
import PatronCore
import PatronMessaging
import PatronStore

/// The built-in flows as a store sees them (on or off, since when), for the API and the CLI.
public struct FlowDirectory: Sendable {
    public let settings: FlowSettingsRepository
    public let clock: @Sendable () -> Date

    public init(database: Database, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = FlowSettingsRepository(database: database)
        self.clock = clock
    }

    public func list(store: Int64) async throws -> JSONValue {
        let current = try await settings.all(store: store)
        return .array(BuiltInFlows.all.map { document($0, setting: current[$0.name]) })
    }

    public func flow(_ name: String, store: Int64) async throws -> JSONValue? {
        guard let flow = BuiltInFlows.named(name) else { return nil }
        return document(flow, setting: try await settings.all(store: store)[name])
    }

    public func setEnabled(_ enabled: Bool, flow name: String, store: Int64) async throws {
        try await settings.setEnabled(enabled, flow: name, store: store, now: Timestamp.milliseconds(clock()))
    }

    func document(_ flow: BuiltInFlow, setting: FlowSettingsRepository.Setting?) -> JSONValue {
        [
            "name": .string(flow.name), "title": .string(flow.title), "summary": .string(flow.summary),
            "trigger": .string(flow.trigger), "purpose": .string(flow.purpose.rawValue), "channel": .string(flow.channel),
            "template": .string(flow.template), "enabled": .bool(setting?.enabled ?? false),
            "updatedAt": .time(milliseconds: setting?.updatedAt),
        ]
    }
}
