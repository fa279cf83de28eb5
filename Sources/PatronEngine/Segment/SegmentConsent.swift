import Foundation
import PatronCore

/// Marketing consent found in identify traits. Deliberately narrow: only the explicit flags below and a
/// `consent` object keyed by channel count; anything else (such as the cookie categories of Segment's
/// consent management, `context.consent.categoryPreferences`) stays an ordinary trait.
enum SegmentConsent {
    /// `true` grants the channel, `false` withdraws it.
    static let grantKeys: [ConsentChannel: [String]] = [
        .email: [
            "email_opt_in", "emailOptIn", "email_subscribed", "emailSubscribed", "accepts_marketing",
            "acceptsMarketing",
        ],
        .sms: ["sms_opt_in", "smsOptIn", "sms_subscribed", "smsSubscribed", "accepts_sms_marketing"],
    ]
    /// `true` withdraws the channel; `false` says nothing (not being unsubscribed is not an opt-in).
    static let revokeKeys: [ConsentChannel: [String]] = [
        .email: ["unsubscribed", "email_unsubscribed", "emailUnsubscribed"],
        .sms: ["sms_unsubscribed", "smsUnsubscribed"],
    ]

    /// The consents stated in `traits`, and the trait keys they were read from.
    static func read(_ traits: [String: JSONValue], recordedAt: Date) -> (consents: [ConsentInput], used: Set<String>) {
        var used: Set<String> = []
        var consents: [ConsentInput] = []
        let consentObject = traits["consent"]?.objectValue ?? [:]
        var consentObjectUsed = false
        for channel in ConsentChannel.allCases {
            var states: [ConsentState] = []
            for key in grantKeys[channel] ?? [] {
                guard case .bool(let flag) = traits[key] else { continue }
                states.append(flag ? .subscribed : .unsubscribed)
                used.insert(key)
            }
            for key in revokeKeys[channel] ?? [] {
                guard case .bool(let flag) = traits[key] else { continue }
                if flag { states.append(.unsubscribed) }
                used.insert(key)
            }
            if let value = consentObject[channel.rawValue], let state = state(value) {
                states.append(state)
                consentObjectUsed = true
            }
            // A withdrawal anywhere wins over a grant elsewhere in the same message.
            let resolved = [ConsentState.unsubscribed, .subscribed, .pending].first(where: states.contains)
            if let resolved {
                consents.append(
                    ConsentInput(channel: channel, state: resolved, source: "segment", recordedAt: recordedAt))
            }
        }
        if consentObjectUsed { used.insert("consent") }
        return (consents, used)
    }

    /// `true`/`false`, a state name, or `{ "state": ... }`.
    static func state(_ value: JSONValue) -> ConsentState? {
        switch value {
        case .bool(let flag): return flag ? .subscribed : .unsubscribed
        case .string(let text): return ConsentState(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased())
        case .object(let members): return members["state"].flatMap(state)
        default: return nil
        }
    }
}
