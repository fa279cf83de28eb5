import PatronCore
import SQLKit

/// A store's messaging policy: attribution windows, the marketing frequency caps and SMS quiet hours.
public struct MessagingSettings: Sendable, Equatable {
    public var emailClickDays: Int64 = 5
    public var emailOpenDays: Int64 = 1
    public var smsClickDays: Int64 = 5
    public var emailCapHours: Int64 = 16
    public var smsCapHours: Int64 = 24
    /// Local hours in which no SMS goes out: from `quietStart` to `quietEnd` (21 to 9 by default).
    public var quietStart: Int64 = 21
    public var quietEnd: Int64 = 9

    public init() {}

    public init(json: JSONValue) {
        func int(_ key: String, _ fallback: Int64) -> Int64 {
            if case .int(let value) = json[key] ?? .null { return value }
            return fallback
        }
        emailClickDays = int("emailClickDays", emailClickDays)
        emailOpenDays = int("emailOpenDays", emailOpenDays)
        smsClickDays = int("smsClickDays", smsClickDays)
        emailCapHours = int("emailCapHours", emailCapHours)
        smsCapHours = int("smsCapHours", smsCapHours)
        quietStart = int("quietStart", quietStart)
        quietEnd = int("quietEnd", quietEnd)
    }

    public var json: JSONValue {
        [
            "emailClickDays": .int(emailClickDays), "emailOpenDays": .int(emailOpenDays), "smsClickDays": .int(smsClickDays),
            "emailCapHours": .int(emailCapHours), "smsCapHours": .int(smsCapHours), "quietStart": .int(quietStart),
            "quietEnd": .int(quietEnd),
        ]
    }

    /// The accepted range of each setting.
    public static let ranges: [String: ClosedRange<Int64>] = [
        "emailClickDays": 0...30, "emailOpenDays": 0...30, "smsClickDays": 0...30, "emailCapHours": 0...720,
        "smsCapHours": 0...720, "quietStart": 0...23, "quietEnd": 0...23,
    ]

    public static func load(store: Int64, in sql: any SQLDatabase) async throws -> MessagingSettings {
        let stored = try await sql.raw("SELECT messaging_settings FROM stores WHERE id = \(bind: store)").first()?.json(
            "messaging_settings", fallback: [:])
        return MessagingSettings(json: stored ?? [:])
    }

    public static func save(_ settings: MessagingSettings, store: Int64, in sql: any SQLDatabase) async throws {
        try await sql.raw(
            "UPDATE stores SET messaging_settings = \(bind: settings.json.serialized()) WHERE id = \(bind: store)"
        ).run()
    }
}
