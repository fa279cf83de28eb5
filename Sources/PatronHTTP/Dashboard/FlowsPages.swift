import Foundation
import Hummingbird
import PatronCore
import PatronEngine
import PatronMessaging
import PatronStore
import SQLKit

/// Flows: the list with status and results, and a flow's page with its steps as a diagram, counts per
/// step, results against the holdout, the on/off switch, the JSON editor, a preview and a test send.
extension DashboardController {
    var flowDirectory: FlowDirectory {
        FlowDirectory(
            database: database, templateNames: emailTemplates?.flowTemplateNames ?? [],
            allowPrivateWebhooks: allowPrivateWebhooks,
            clock: clock)
    }

    func flows(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.session()
        let store = session.storeID
        let list = try await flowDirectory.list(store: store).arrayValue ?? []
        let run = try await latestAnalytics(store)
        let engagement = run?.summary?["engagement"] ?? .null
        let currency = run?.currency
        let origins = engagement["periods"]?.arrayValue?.first { $0["days"]?.doubleValue == 30 }?["origins"]?.arrayValue ?? []
        var sent: [String: Int64] = [:]
        var attributed: [String: Double] = [:]
        for origin in origins {
            guard let flow = origin["flow"]?.stringValue else { continue }
            sent[flow] = Int64(origin["sent"]?.doubleValue ?? 0)
            attributed[flow] = origin["revenue"]?.doubleValue ?? 0
        }
        let runs = (engagement["flows"]?.objectValue ?? [:]).mapValues { Int64($0["runs"]?["started"]?.doubleValue ?? 0) }
        let scale = pow(10, Double(Currency(code: currency ?? "USD")?.minorDigits ?? 2))
        let rows = list.map { flow -> [String: Any] in
            let name = flow["name"]?.stringValue ?? ""
            let enabled = flow["enabled"] == .bool(true)
            return [
                "name": name, "title": flow["title"]?.stringValue ?? name, "summary": flow["summary"]?.stringValue ?? "",
                "purpose": flow["purpose"]?.stringValue ?? "", "enabled": enabled, "status": enabled ? "On" : "Off",
                "badge": enabled ? "badge-ok" : "badge-muted", "builtIn": flow["builtIn"] == .bool(true),
                "runs": DisplayFormat.number(runs[name] ?? 0), "sent": DisplayFormat.number(sent[name] ?? 0),
                "revenue": DisplayFormat.money((attributed[name] ?? 0) / scale, currency: currency),
            ]
        }
        return try view.page(
            "flows", title: "Flows", section: .flows, session: session, request: request,
            values: [
                "rows": rows, "on": rows.filter { $0["enabled"] as? Bool == true }.count,
                "computedAt": engagement["computedAt"]?.stringValue.map { DisplayFormat.dateTime(rfc3339: $0) } ?? "",
            ])
    }

    func flow(
        _ request: Request, _ context: PatronRequestContext, definitionText: String? = nil, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let session = try context.session()
        let store = session.storeID
        let name = context.parameters.get("name") ?? ""
        guard let flow = try await flowDirectory.flow(name, store: store) else {
            throw Problem.notFound("This store has no flow named \(name).")
        }
        let definition = flow["definition"] ?? .null
        let enabled = flow["enabled"] == .bool(true)
        let run = try await latestAnalytics(store)
        let currency = run?.currency
        let report = run?.summary?["engagement"]?["flows"]?[name]
        let counts = report?["steps"] ?? .null
        let runSteps = (counts["runs"]?.arrayValue ?? []).map {
            (
                step: Int($0["step"]?.doubleValue ?? 0), status: $0["status"]?.stringValue ?? "",
                count: Int64($0["count"]?.doubleValue ?? 0)
            )
        }
        let messageSteps = (counts["messages"]?.arrayValue ?? []).map {
            (
                step: Int($0["step"]?.doubleValue ?? -1), status: $0["status"]?.stringValue ?? "",
                reason: $0["reason"]?.stringValue,
                count: Int64($0["count"]?.doubleValue ?? 0)
            )
        }
        let steps = definition["steps"]?.arrayValue ?? []
        let totalRuns = runSteps.reduce(0) { $0 + $1.count }
        var nodes: [[String: Any]] = [
            [
                "kind": "Trigger", "class": "node-trigger", "title": Self.describe(trigger: definition["trigger"] ?? .null),
                "stats":
                    "\(DisplayFormat.number(totalRuns)) runs started · \(DisplayFormat.number(runSteps.filter { $0.status == "held_out" }.reduce(0) { $0 + $1.count })) held out",
            ]
        ]
        for (index, step) in steps.enumerated() {
            let entered = runSteps.filter { $0.step >= index && $0.status != "held_out" }.reduce(0) { $0 + $1.count }
            let waiting = runSteps.filter { $0.step == index && $0.status == "waiting" }.reduce(0) { $0 + $1.count }
            let exited = runSteps.filter { $0.step == index && $0.status == "exited" }.reduce(0) { $0 + $1.count }
            var parts = ["entered \(DisplayFormat.number(entered))"]
            if waiting > 0 { parts.append("waiting \(DisplayFormat.number(waiting))") }
            if exited > 0 { parts.append("exited \(DisplayFormat.number(exited))") }
            let own = messageSteps.filter { $0.step == index }
            if !own.isEmpty {
                let sentCount = own.filter { $0.status == "sent" }.reduce(0) { $0 + $1.count }
                parts.append("sent \(DisplayFormat.number(sentCount))")
                var skipped: [String: Int64] = [:]
                for message in own where message.status == "suppressed" || message.status == "failed" {
                    skipped[message.reason ?? message.status, default: 0] += message.count
                }
                parts += skipped.sorted { $0.value > $1.value }.map { "skipped \(DisplayFormat.number($0.value)) (\($0.key))" }
                let queued = own.filter { $0.status == "queued" || $0.status == "sending" }.reduce(0) { $0 + $1.count }
                if queued > 0 { parts.append("queued \(DisplayFormat.number(queued))") }
            }
            let (kind, style, title) = Self.describe(step: step)
            nodes.append(["kind": kind, "class": style, "title": title, "stats": parts.joined(separator: " · "), "index": index])
        }
        nodes.append(["kind": "Exit", "class": "node-exit", "title": Self.describe(exits: definition["exitOn"]), "stats": ""])
        let scale = pow(10, Double(Currency(code: currency ?? "USD")?.minorDigits ?? 2))
        let attributed = report?["attributed"]?.arrayValue ?? []
        let incrementality = report?["incrementality"] ?? .null
        let results: [[String: Any]] =
            report == nil
            ? []
            : [
                ["label": "Runs started", "value": DisplayFormat.number(Int64(report?["runs"]?["started"]?.doubleValue ?? 0))],
                ["label": "Messages sent", "value": DisplayFormat.number(Int64(report?["messages"]?["sent"]?.doubleValue ?? 0))],
                ["label": "Opened", "value": DisplayFormat.number(Int64(report?["messages"]?["opened"]?.doubleValue ?? 0))],
                ["label": "Clicked", "value": DisplayFormat.number(Int64(report?["messages"]?["clicked"]?.doubleValue ?? 0))],
                [
                    "label": "Conversions (attributed orders)",
                    "value": DisplayFormat.number(Int64(attributed.reduce(0) { $0 + ($1["orders"]?.doubleValue ?? 0) })),
                ],
                [
                    "label": "Attributed revenue",
                    "value": DisplayFormat.money(
                        attributed.reduce(0) { $0 + ($1["revenue"]?.doubleValue ?? 0) } / scale, currency: currency),
                ],
                [
                    "label": "Incremental revenue (vs holdout)",
                    "value": incrementality["incrementalRevenue"]?.doubleValue.map {
                        DisplayFormat.money($0 / scale, currency: currency)
                    }
                        ?? "not enough closed runs yet",
                ],
                [
                    "label": "Conversion rate: messaged / held out",
                    "value":
                        "\(DisplayFormat.percent(incrementality["treatedConversionRate"]?.doubleValue)) / \(DisplayFormat.percent(incrementality["holdoutConversionRate"]?.doubleValue))",
                ],
            ]
        let sends = steps.enumerated().compactMap { index, step -> [String: Any]? in
            guard step["type"]?.stringValue == "send" else { return nil }
            return [
                "index": index,
                "label": "Step \(index + 1): \(step["template"]?.stringValue ?? "") (\(step["channel"]?.stringValue ?? ""))",
            ]
        }
        let customer = request.uri.queryParameters["customer"].flatMap { Int64($0) }
        var previewQuery = customer.map { "customer=\($0)" } ?? ""
        if let step = request.uri.queryParameters["step"].flatMap({ Int($0) }) {
            previewQuery += (previewQuery.isEmpty ? "" : "&") + "step=\(step)"
        }
        let values: [String: Any] = [
            "name": name, "title": flow["title"]?.stringValue ?? name, "summary": flow["summary"]?.stringValue ?? "",
            "enabled": enabled, "status": enabled ? "On" : "Off", "badge": enabled ? "badge-ok" : "badge-muted",
            "toggleLabel": enabled ? "Switch off" : "Switch on", "purpose": flow["purpose"]?.stringValue ?? "",
            "version": flow["version"]?.doubleValue.map { "version \(Int($0))" } ?? "built-in, never edited",
            "nodes": nodes, "results": results, "hasResults": report != nil,
            "computedAt": run?.summary?["engagement"]?["computedAt"]?.stringValue.map { DisplayFormat.dateTime(rfc3339: $0) }
                ?? "", "sends": sends, "hasSends": !sends.isEmpty,
            "definition": definitionText ?? Self.pretty(definition),
            "previewSrc": "/app/flows/\(name)/preview" + (previewQuery.isEmpty ? "" : "?\(previewQuery)"),
            "customer": customer.map(String.init) ?? "", "defaultEmail": session.email,
        ]
        return try view.page(
            "flow", title: values["title"] as? String ?? name, section: .flows, session: session, request: request,
            values: values, error: error, status: status)
    }

    static func pretty(_ value: JSONValue) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(value.serialized().utf8)),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        else { return value.serialized() }
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
    }

    static func describe(trigger: JSONValue) -> String {
        let type = trigger["type"]?.stringValue ?? "?"
        var parts = [type.replacingOccurrences(of: "_", with: " ")]
        if let event = trigger["event"]?.stringValue { parts.append("“\(event)”") }
        if let milestone = trigger["milestone"]?.stringValue { parts.append(milestone.replacingOccurrences(of: "_", with: " ")) }
        if let segment = trigger["segment"]?.stringValue { parts.append("segment “\(segment)”") }
        return parts.joined(separator: ": ")
    }

    static func describe(step: JSONValue) -> (String, String, String) {
        let type = step["type"]?.stringValue ?? "?"
        let variant = step["variant"]?.stringValue.map { " (variant \($0))" } ?? ""
        switch type {
        case "send":
            let channel = step["channel"]?.stringValue ?? "email"
            return ("Send \(channel == "sms" ? "SMS" : channel)", "node-send", (step["template"]?.stringValue ?? "") + variant)
        case "wait":
            let seconds = step["seconds"]?.doubleValue ?? 0
            let text =
                seconds >= 86_400
                ? "\(Int(seconds / 86_400)) days" : seconds >= 3_600 ? "\(Int(seconds / 3_600)) hours" : "\(Int(seconds)) seconds"
            return ("Wait", "node-wait", text + variant)
        case "wait_until_hour":
            return ("Wait", "node-wait", "until \(Int(step["hour"]?.doubleValue ?? 0)):00 local time\(variant)")
        case "wait_for_best_time": return ("Wait", "node-wait", "for the customer's best time\(variant)")
        case "condition": return ("Condition", "node-condition", Self.pretty(step["condition"] ?? step).prefix(120) + variant)
        case "split":
            let names = step["variants"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.joined(separator: " / ") ?? ""
            return ("A/B split", "node-condition", names)
        case "tag": return ("Tag", "node-wait", (step["tag"]?.stringValue ?? "") + variant)
        case "webhook": return ("Webhook", "node-send", (step["url"]?.stringValue ?? "") + variant)
        default: return (type, "node-wait", variant)
        }
    }

    static func describe(exits: JSONValue?) -> String {
        let events = exits?.arrayValue?.compactMap(\.stringValue) ?? []
        return events.isEmpty ? "after the last step" : "after the last step, or early on \(events.joined(separator: ", "))"
    }

    func toggleFlow(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.require(.owner, .marketer)
        let name = context.parameters.get("name") ?? ""
        guard let current = try await flowDirectory.flow(name, store: session.storeID) else {
            throw Problem.notFound("This store has no flow named \(name).")
        }
        let enable = current["enabled"] != .bool(true)
        do {
            try await flowDirectory.setEnabled(enable, flow: name, store: session.storeID)
        } catch let refusal as FlowDirectory.Refusal {
            return try await flow(request, context, error: refusal.description, status: .unprocessableContent)
        }
        return DashboardView.redirect("/app/flows/\(name)?notice=\(enable ? "flow-on" : "flow-off")")
    }

    static func parseDocument(_ text: String) -> Result<JSONValue, JSONParseError> {
        do throws(JSONParseError) {
            return .success(try JSONParser.parse(text))
        } catch {
            return .failure(error)
        }
    }

    func saveFlowDefinition(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.require(.owner, .marketer)
        let name = context.parameters.get("name") ?? ""
        let text = context.form["definition"] ?? ""
        let parsed = Self.parseDocument(text)
        guard case .success(let document) = parsed else {
            guard case .failure(let error) = parsed else { throw Problem.notFound("unreachable") }
            return try await flow(
                request, context, definitionText: text,
                error: "Definition: expected valid JSON: \(error.reason) at byte \(error.offset).",
                status: .unprocessableContent)
        }
        do {
            _ = try await flowDirectory.save(name, document: document, store: session.storeID)
        } catch let failure as ValidationFailure {
            let message = failure.errors.prefix(3).map { "\($0.field): \($0.message)" }.joined(separator: "; ")
            return try await flow(request, context, definitionText: text, error: message, status: .unprocessableContent)
        } catch let refusal as FlowDirectory.Refusal {
            return try await flow(
                request, context, definitionText: text, error: refusal.description, status: .unprocessableContent)
        }
        return DashboardView.redirect("/app/flows/\(name)?notice=saved")
    }
}
