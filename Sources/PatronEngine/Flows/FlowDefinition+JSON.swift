import Foundation
import PatronAnalytics
import PatronCore
import PatronMessaging

extension FlowDefinition {
    /// Reads and validates a flow document. `templates` are the message templates that exist.
    /// `templates` names the email templates as `NAME` and the text ones as `NAME.sms`.
    /// Stored versions are read back with `validatingTemplates: false`: templates and webhook destinations
    /// were checked when the version was saved, and a run finishes even if a template has since been
    /// removed (the send then fails visibly in the message log); the webhook sender checks every
    /// destination again when it sends.
    /// `allowPrivateWebhooks` (development only) accepts webhook steps to loopback and private addresses.
    public static func parse(
        _ value: JSONValue, templates: Set<String>, validatingTemplates: Bool = true, allowPrivateWebhooks: Bool = false
    ) throws(ValidationFailure) -> FlowDefinition {
        var reader = try FieldReader.root(value)
        let name = reader.string("name", required: true, maxLength: 60)
        if let name,
            !name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
                || !("a"..."z").contains(name.unicodeScalars.first!)
        {
            reader.fail("name", "use lower-case letters, digits and hyphens, starting with a letter (like \"win-back\")")
        }
        let title = reader.string("title", maxLength: 200)
        let summary = reader.string("summary", maxLength: 2_000)
        let purpose = reader.enumeration("purpose", as: MessagePurpose.self, required: true)
        let topic = reader.string("topic", maxLength: 40)
        if purpose == .marketing, topic == nil {
            reader.fail("topic", "a marketing flow needs a preference topic: one of \(topics.joined(separator: ", "))")
        }
        if let topic, !topics.contains(topic) { reader.fail("topic", "expected one of \(topics.joined(separator: ", "))") }
        let trigger = reader.nested("trigger", required: true) { readTrigger(&$0) }
        let steps =
            reader.objects("steps", required: true, maxCount: 50) {
                readStep(
                    &$0, templates: validatingTemplates ? templates : nil,
                    allowPrivateWebhooks: allowPrivateWebhooks || !validatingTemplates)
            } ?? []
        if reader.has("steps") && steps.isEmpty && reader.errors.isEmpty { reader.fail("steps", "needs at least one step") }
        let exitOn = reader.strings("exitOn", maxCount: 20) ?? []
        let holdout = reader.double("holdout") ?? (purpose == .marketing ? 0.1 : 0)
        if !(0...0.5).contains(holdout) { reader.fail("holdout", "expected a share from 0 to 0.5") }
        if purpose == .transactional && holdout > 0 {
            reader.fail("holdout", "transactional messages are never held out; use 0")
        }
        // Checked on the raw array so the index names the step even when an earlier one was invalid.
        let rawSteps = value["steps"]?.arrayValue ?? []
        let variants = Set(
            rawSteps.filter { $0["type"]?.stringValue == "split" }
                .flatMap { $0["variants"]?.arrayValue ?? [] }.compactMap { $0["name"]?.stringValue })
        for (index, step) in rawSteps.enumerated() {
            if let variant = step["variant"]?.stringValue, !variants.contains(variant) {
                reader.absorb(
                    ValidationFailure(field: "steps[\(index)].variant", message: "no split step defines variant \"\(variant)\""))
            }
        }
        try reader.finish()
        guard let name, let purpose, let trigger else {
            throw ValidationFailure(field: "(body)", message: "incomplete flow")
        }
        return FlowDefinition(
            name: name, title: title ?? name, summary: summary ?? "", purpose: purpose, topic: topic, trigger: trigger,
            steps: steps, exitOn: exitOn, holdout: holdout)
    }

    static func readTrigger(_ reader: inout FieldReader) -> FlowTrigger? {
        let types = [
            "order_placed", "shipment_milestone", "event", "segment_entered", "segment_exited", "birthday",
            "first_order_anniversary", "lapsed", "price_drop", "back_in_stock", "replenishment_due",
        ]
        guard let type = reader.string("type", required: true) else { return nil }
        switch type {
        case "order_placed": return .orderPlaced(firstOrder: reader.bool("firstOrder") ?? false)
        case "shipment_milestone":
            var milestones: [ShipmentMilestone] = []
            for name in reader.strings("milestones", maxCount: 10) ?? [] {
                guard let milestone = ShipmentMilestone(rawValue: name) else {
                    reader.fail(
                        "milestones",
                        "unknown milestone \"\(name)\"; expected \(ShipmentMilestone.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                    continue
                }
                milestones.append(milestone)
            }
            return .shipmentMilestone(milestones)
        case "event":
            guard let event = reader.string("event", required: true, maxLength: 200) else { return nil }
            return .event(type: event, matching: reader.rawObject("where") ?? [:])
        case "segment_entered", "segment_exited":
            guard let segment = reader.string("segment", required: true, maxLength: 200) else { return nil }
            return type == "segment_entered" ? .segmentEntered(segment) : .segmentExited(segment)
        case "birthday": return .birthday
        case "first_order_anniversary": return .firstOrderAnniversary
        case "price_drop": return .priceDrop
        case "back_in_stock": return .backInStock
        case "replenishment_due": return .replenishmentDue
        case "lapsed":
            let pAlive = reader.double("pAliveBelow") ?? 0.5
            let factor = reader.double("overdueFactor") ?? 2
            if !(0.01...0.99).contains(pAlive) { reader.fail("pAliveBelow", "expected a probability from 0.01 to 0.99") }
            if !(1...20).contains(factor) { reader.fail("overdueFactor", "expected a factor from 1 to 20") }
            return .lapsed(pAliveBelow: pAlive, overdueFactor: factor)
        default:
            reader.fail("type", "unknown trigger \"\(type)\"; expected one of \(types.joined(separator: ", "))")
            return nil
        }
    }

    static func readStep(_ reader: inout FieldReader, templates: Set<String>?, allowPrivateWebhooks: Bool) -> FlowStep? {
        let types = ["wait", "wait_until", "wait_for_best_time", "send", "condition", "split", "tag", "webhook"]
        let variant = reader.string("variant", maxLength: 40)
        guard let type = reader.string("type", required: true) else { return nil }
        let action: FlowStep.Action?
        switch type {
        case "wait":
            let minutes = reader.integer("minutes", range: 0...525_600) ?? 0
            let hours = reader.integer("hours", range: 0...8_760) ?? 0
            let days = reader.integer("days", range: 0...365) ?? 0
            let seconds = minutes * 60 + hours * 3_600 + days * 86_400
            if seconds == 0 { reader.fail("days", "a wait needs minutes, hours or days greater than 0") }
            action = .wait(seconds: seconds)
        case "wait_until":
            action = reader.integer("hour", required: true, range: 0...23).map { .waitUntilHour(Int($0)) }
        case "wait_for_best_time": action = .waitForBestTime
        case "send":
            let channel = reader.string("channel") ?? "email"
            if !channels.contains(channel) { reader.fail("channel", "expected one of \(channels.joined(separator: ", "))") }
            let template = reader.string("template", required: true, maxLength: 100)
            let needed = channel == "email" ? template : template.map { "\($0).sms" }
            if let needed, let templates, !templates.contains(needed) {
                let available = templates.filter { channel == "email" ? !$0.hasSuffix(".sms") : $0.hasSuffix(".sms") }
                    .map { $0.replacingOccurrences(of: ".sms", with: "") }.sorted().joined(separator: ", ")
                reader.fail("template", "no \(channel) template named \"\(template ?? "")\"; available: \(available)")
            }
            action = template.map { .send(channel: channel, template: $0) }
        case "condition":
            if let rule = reader.string("rule", maxLength: 10_000) {
                do {
                    _ = try SegmentRule.parse(rule)
                    action = .condition(.rule(rule))
                } catch {
                    reader.fail("rule", "\(error)")
                    action = nil
                }
            } else if let segment = reader.string("segment", maxLength: 200) {
                action = .condition(.inSegment(segment, reader.bool("member") ?? true))
            } else if let ordered = reader.bool("orderedSinceStart") {
                action = .condition(.orderedSinceStart(ordered))
            } else {
                reader.fail("rule", "a condition needs \"rule\", \"segment\" or \"orderedSinceStart\"")
                action = nil
            }
        case "split":
            let options =
                reader.objects("variants", required: true, maxCount: 5) { option -> (name: String, weight: Int)? in
                    guard let name = option.string("name", required: true, maxLength: 40),
                        let weight = option.integer("weight", required: true, range: 1...100)
                    else { return nil }
                    return (name, Int(weight))
                } ?? []
            if options.count < 2 { reader.fail("variants", "a split needs at least two variants") }
            action = options.count >= 2 ? .split(options) : nil
        case "tag":
            action = reader.string("tag", required: true, maxLength: 100).map { .tag($0) }
        case "webhook":
            guard let url = reader.string("url", required: true, maxLength: 2_000) else { return nil }
            if !url.hasPrefix("https://") && !url.hasPrefix("http://") {
                reader.fail("url", "expected an http:// or https:// URL")
            } else if !allowPrivateWebhooks, let host = URLHost.of(url),
                let refusal = OutboundAddressPolicy.refusal(forHost: host)
            {
                reader.fail("url", "webhooks cannot go to this destination (\(refusal.rawValue))")
            }
            action = .webhook(url: url)
        default:
            reader.fail("type", "unknown step \"\(type)\"; expected one of \(types.joined(separator: ", "))")
            action = nil
        }
        return action.map { FlowStep($0, variant: variant) }
    }

    /// The document form, as stored and served.
    public var json: JSONValue {
        .compactObject([
            "name": .string(name), "title": .string(title), "summary": .string(summary), "purpose": .string(purpose.rawValue),
            "topic": topic.map(JSONValue.string), "trigger": Self.triggerJSON(trigger),
            "steps": .array(steps.map(Self.stepJSON)), "exitOn": .array(exitOn.map(JSONValue.string)),
            "holdout": .double(holdout),
        ])
    }

    static func triggerJSON(_ trigger: FlowTrigger) -> JSONValue {
        var object: [String: JSONValue] = ["type": .string(trigger.type)]
        switch trigger {
        case .orderPlaced(let first): object["firstOrder"] = .bool(first)
        case .shipmentMilestone(let milestones): object["milestones"] = .array(milestones.map { .string($0.rawValue) })
        case .event(let type, let matching):
            object["event"] = .string(type)
            if !matching.isEmpty { object["where"] = .object(matching) }
        case .segmentEntered(let segment), .segmentExited(let segment): object["segment"] = .string(segment)
        case .birthday, .firstOrderAnniversary, .priceDrop, .backInStock, .replenishmentDue: break
        case .lapsed(let pAlive, let factor):
            object["pAliveBelow"] = .double(pAlive)
            object["overdueFactor"] = .double(factor)
        }
        return .object(object)
    }

    static func stepJSON(_ step: FlowStep) -> JSONValue {
        var object: [String: JSONValue]
        switch step.action {
        case .wait(let seconds):
            object =
                seconds % 86_400 == 0
                ? ["type": "wait", "days": .int(seconds / 86_400)]
                : seconds % 3_600 == 0
                    ? ["type": "wait", "hours": .int(seconds / 3_600)] : ["type": "wait", "minutes": .int(seconds / 60)]
        case .waitUntilHour(let hour): object = ["type": "wait_until", "hour": .int(Int64(hour))]
        case .waitForBestTime: object = ["type": "wait_for_best_time"]
        case .send(let channel, let template):
            object = ["type": "send", "channel": .string(channel), "template": .string(template)]
        case .condition(.rule(let rule)): object = ["type": "condition", "rule": .string(rule)]
        case .condition(.inSegment(let segment, let member)):
            object = ["type": "condition", "segment": .string(segment), "member": .bool(member)]
        case .condition(.orderedSinceStart(let ordered)): object = ["type": "condition", "orderedSinceStart": .bool(ordered)]
        case .split(let options):
            object = [
                "type": "split",
                "variants": .array(options.map { ["name": .string($0.name), "weight": .int(Int64($0.weight))] }),
            ]
        case .tag(let tag): object = ["type": "tag", "tag": .string(tag)]
        case .webhook(let url): object = ["type": "webhook", "url": .string(url)]
        }
        if let variant = step.variant { object["variant"] = .string(variant) }
        return .object(object)
    }
}

/// The host part of an http(s) URL.
enum URLHost {
    static func of(_ url: String) -> String? { URLComponents(string: url)?.host }
}
