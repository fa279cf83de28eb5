import Foundation
import HTTPTypes
import Hummingbird
import PatronCore
import PatronEngine
import PatronMessaging
import PatronStore

/// Messaging under `/api/v1`: flows (the built-in library and the store's own documents, switches,
/// versions, previews with real data, performance), the message log, campaigns, post-purchase
/// snippets, and the store's sender, messaging and webhook settings.
struct MessagingController: Sendable {
    let database: Database
    let writes: WriteEndpoint
    let keys: APIKeyCache
    let templates: EmailTemplates?
    let allowPrivateWebhooks: Bool
    let clock: @Sendable () -> Date

    var routes: RouteCollection<PatronRequestContext> {
        let routes = RouteCollection(context: PatronRequestContext.self)
        routes.add(middleware: SecretKeyAuthenticator(keys: keys))
        let flows = FlowDirectory(
            database: database, templateNames: templates?.flowTemplateNames ?? [], allowPrivateWebhooks: allowPrivateWebhooks,
            clock: clock)
        routes.get("flows") { _, context in
            Response.json(["data": try await flows.list(store: try context.requireStore())])
        }
        routes.get("flows/:name") { _, context in
            let (store, name) = (try context.requireStore(), context.parameters.get("name") ?? "")
            guard let flow = try await flows.flow(name, store: store) else { throw Self.noFlow(name) }
            return Response.json(flow)
        }
        routes.put("flows/:name") { request, context in
            let (store, name) = (try context.requireStore(), context.parameters.get("name") ?? "")
            let (_, body) = try await writes.jsonBody(request)
            do {
                return Response.json(try await flows.save(name, document: body, store: store))
            } catch let refusal as FlowDirectory.Refusal {
                throw Problem.validation(ValidationFailure(field: "name", message: refusal.description))
            }
        }
        for (action, enabled) in [("enable", true), ("disable", false)] {
            routes.post("flows/:name/\(action)") { _, context in
                let (store, name) = (try context.requireStore(), context.parameters.get("name") ?? "")
                do {
                    try await flows.setEnabled(enabled, flow: name, store: store)
                } catch FlowDirectory.Refusal.noSuchFlow {
                    throw Self.noFlow(name)
                } catch let refusal as FlowDirectory.Refusal {
                    throw Problem(status: .unprocessableContent, title: "Cannot enable", detail: refusal.description)
                }
                return Response.json(try await flows.flow(name, store: store) ?? .null)
            }
        }
        routes.get("flows/:name/preview") { request, context in try await preview(request, context) }
        routes.get("flows/:name/performance") { request, context in
            let (store, name) = (try context.requireStore(), context.parameters.get("name") ?? "")
            guard try await flows.flow(name, store: store) != nil else { throw Self.noFlow(name) }
            var days: Int64 = 30
            if let text = try request.queryText("days") {
                guard let value = Int64(text), (1...730).contains(value) else {
                    throw Problem.validation(ValidationFailure(field: "days", message: "expected a whole number from 1 to 730"))
                }
                days = value
            }
            return Response.json(
                try await FlowPerformance(database: database).report(
                    flow: name, store: store, days: days, now: Timestamp.milliseconds(clock())))
        }
        let campaigns = CampaignService(database: database, clock: clock)
        routes.get("campaigns") { request, context in
            let store = try context.requireStore()
            let page = try pageRequest(request)
            let before = try optionalInteger(request, "before")
            let list = try await database.read {
                try await CampaignRepository(sql: $0, storeID: store).list(limit: page.limit + 1, before: before)
            }
            let items = list.prefix(page.limit)
            return Response.json([
                "data": .array(items.map(\.json)),
                "nextCursor": list.count > page.limit ? items.last.map { .string(String($0.id)) } ?? .null : .null,
            ])
        }
        routes.post("campaigns") { request, context in
            let store = try context.requireStore()
            let (bytes, body) = try await writes.jsonBody(request)
            let draft = try campaigns.draft(body)
            return try await writes.commit(request, store: store, bodyBytes: bytes) { writer in
                (.created, try await campaigns.insert(draft, store: store, sql: writer.sql, now: writer.now).json)
            }
        }
        routes.get("campaigns/:id") { _, context in
            let (store, id) = (try context.requireStore(), try pathId(context, "campaign"))
            guard let report = try await CampaignReport.report(campaign: id, store: store, database: database) else {
                throw Problem.notFound("no campaign with id \(id)")
            }
            return Response.json(report)
        }
        routes.post("campaigns/:id/cancel") { _, context in
            let (store, id) = (try context.requireStore(), try pathId(context, "campaign"))
            do {
                return Response.json(try await campaigns.cancel(campaign: id, store: store).json)
            } catch CampaignService.Refusal.notFound {
                throw Problem.notFound("no campaign with id \(id)")
            } catch let refusal as CampaignService.Refusal {
                throw Problem(status: .conflict, title: "Cannot cancel", detail: refusal.description)
            }
        }
        routes.get("snippets") { _, context in
            let store = try context.requireStore()
            let snippets = try await database.read { try await SnippetRepository(sql: $0, storeID: store).all() }
            return Response.json(["data": .array(snippets.map(\.json))])
        }
        routes.put("snippets/:scope/:key") { request, context in try await saveSnippet(request, context) }
        routes.delete("snippets/:scope/:key") { _, context in
            let store = try context.requireStore()
            let scope = context.parameters.get("scope") ?? ""
            guard let key = (context.parameters.get("key") ?? "").removingPercentEncoding, !key.utf8.contains(0),
                key.utf8.count <= 800
            else { throw Problem.notFound("no such snippet") }
            let deleted = try await database.write(store: store) {
                try await SnippetRepository(sql: $0, storeID: store).delete(scope: scope, key: key)
            }
            guard deleted else { throw Problem.notFound("no \(scope.prefix(20)) snippet \(key.prefix(100))") }
            return Response.json(["scope": .string(scope), "key": .string(key), "deleted": true])
        }
        routes.get("settings/webhooks") { _, context in
            let store = try context.requireStore()
            let secret = try await StoreRepository.outboundWebhookSecret(
                store: store, in: database, generate: StandardWebhookSigner.generateSecret)
            return Response.json([
                "signingSecret": JSONValue(secret),
                "scheme": "Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)",
            ])
        }
        routes.get("settings/messaging") { _, context in
            let store = try context.requireStore()
            return Response.json(try await database.read { try await MessagingSettings.load(store: store, in: $0) }.json)
        }
        routes.patch("settings/messaging") { request, context in try await updateMessagingSettings(request, context) }
        routes.get("messages") { request, context in try await messages(request, context) }
        routes.get("messages/summary") { _, context in
            Response.json(try await MessageLog(database: database).summary(store: try context.requireStore()))
        }
        routes.get("messages/:id") { _, context in
            let (store, id) = (try context.requireStore(), try pathId(context, "message"))
            guard let message = try await MessageLog(database: database).message(store: store, id: id) else {
                throw Problem.notFound("no message with id \(id)")
            }
            return Response.json(message)
        }
        routes.get("settings/sender") { _, context in
            let store = try context.requireStore()
            guard let settings = try await StoreRepository.senderSettings(store: store, in: database) else {
                throw Problem.notFound("no store \(store)")
            }
            return Response.json(Self.senderJSON(settings))
        }
        routes.patch("settings/sender") { request, context in try await updateSender(request, context) }
        return routes
    }

    static func noFlow(_ name: String) -> Problem {
        Problem.notFound(FlowDirectory.Refusal.noSuchFlow(name).description)
    }

    private func messages(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let store = try context.requireStore()
        let page = try pageRequest(request)
        let filter = MessageLog.Filter(
            status: try request.queryChoice("status", MessageLog.statuses), flow: try request.queryText("flow"),
            customer: try optionalInteger(request, "customer"), channel: try request.queryChoice("channel", MessageLog.channels),
            reason: try request.queryText("reason"))
        let before = try optionalInteger(request, "before")
        let result = try await MessageLog(database: database).list(
            store: store, filter: filter, limit: page.limit, before: before)
        return Response.json([
            "data": .array(result.items), "nextCursor": result.nextCursor.map { .string(String($0)) } ?? .null,
        ])
    }

    /// Renders a flow's message for a customer (`?customer=ID`, default: the newest buyer) and one of their
    /// orders or shipments, exactly as it would be sent, without sending or recording anything.
    private func preview(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let store = try context.requireStore()
        let name = context.parameters.get("name") ?? ""
        guard let templates else {
            throw Problem(status: .serviceUnavailable, title: "No templates", detail: "templates failed to load")
        }
        let preview = try await FlowPreviewMessage.build(
            flow: name, step: try optionalInteger(request, "step"), customer: try optionalInteger(request, "customer"),
            store: store, database: database)
        let (message, sample, send) = (
            preview.message, (customer: preview.message.customer, context: preview.message.context),
            (preview.stepIndex, preview.message.channel, preview.message.template)
        )
        let flowName = preview.message.flow ?? name
        let composer = MessageComposer(database: database, templates: templates)
        switch try await composer.compose(message, now: clock(), applyGuardrails: false) {
        case .ready(let email, _, _):
            return Response.json([
                "flow": .string(flowName), "step": .int(Int64(send.0)), "template": .string(send.2),
                "customerId": JSONValue(sample.customer), "context": sample.context,
                "from": .string(HeaderEncoding.mailbox(email.from, utf8Allowed: true)),
                "to": .string(HeaderEncoding.mailbox(email.to, utf8Allowed: true)), "subject": .string(email.subject),
                "html": .string(email.html), "text": .string(email.text),
            ])
        case .readySMS(let to, let from, let body, _):
            return Response.json([
                "flow": .string(flowName), "step": .int(Int64(send.0)), "template": .string(send.2),
                "customerId": JSONValue(sample.customer), "context": sample.context, "from": .string(from), "to": .string(to),
                "subject": .null, "html": .null, "text": .string(body),
            ])
        case .suppress(let reason), .notYet(let reason), .impossible(let reason), .later(_, let reason):
            throw Problem(status: .unprocessableContent, title: "Cannot preview", detail: reason)
        }
    }

    private func updateSender(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let store = try context.requireStore()
        let (_, body) = try await writes.jsonBody(request)
        guard let object = body.objectValue else {
            throw Problem.validation(ValidationFailure(field: "(body)", message: "expected a JSON object"))
        }
        var changes = SenderSettings.Changes()
        var errors: [FieldError] = []
        func text(_ key: String) -> String? {
            guard let value = object[key], !value.isNull else { return nil }
            guard let string = value.stringValue else {
                errors.append(FieldError(field: key, message: "expected a string, got \(value.typeName)"))
                return nil
            }
            if string.utf8.contains(0) {
                errors.append(FieldError(field: key, message: "must not contain NUL (U+0000) characters"))
                return nil
            }
            return string
        }
        let known: Set<String> = [
            "fromEmail", "fromName", "replyTo", "smtpUrl", "dkimSelector", "dkimPrivateKey", "branding", "smsUrl", "smsFrom",
            "whatsappFrom",
        ]
        for key in object.keys where !known.contains(key) {
            errors.append(
                FieldError(field: key, message: "unknown field; expected one of \(known.sorted().joined(separator: ", "))"))
        }
        changes.fromEmail = text("fromEmail")
        changes.fromName = text("fromName")
        changes.replyTo = text("replyTo")
        changes.smtpURL = text("smtpUrl")
        changes.dkimSelector = text("dkimSelector")
        changes.dkimPrivateKey = text("dkimPrivateKey")
        changes.smsURL = text("smsUrl")
        changes.smsFrom = text("smsFrom")
        changes.whatsappFrom = text("whatsappFrom")
        if let branding = object["branding"], !branding.isNull { changes.branding = branding }
        guard let current = try await StoreRepository.senderSettings(store: store, in: database) else {
            throw Problem.notFound("no store \(store)")
        }
        errors += changes.validationErrors(applyingTo: current)
        guard errors.isEmpty else { throw Problem.validation(ValidationFailure(errors)) }
        try await StoreRepository.updateSender(changes, store: store, in: database)
        guard let updated = try await StoreRepository.senderSettings(store: store, in: database) else {
            throw Problem.notFound("no store \(store)")
        }
        return Response.json(Self.senderJSON(updated))
    }

    private func saveSnippet(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let store = try context.requireStore()
        let scope = context.parameters.get("scope") ?? ""
        let key = (context.parameters.get("key") ?? "").removingPercentEncoding ?? ""
        let (_, body) = try await writes.jsonBody(request)
        var reader = try FieldReader.root(body)
        let title = reader.string("title", required: true, maxLength: 200)
        let text = reader.string("body", required: true, maxLength: 20_000)
        if !SnippetRepository.scopes.contains(scope) {
            reader.fail("scope", "expected product or category in the path")
        }
        if key.isEmpty || key.count > 200 || key.utf8.count > 800 || key.utf8.contains(0) {
            reader.fail("key", "expected 1 to 200 characters (at most 800 bytes), without NUL")
        }
        try reader.finish()
        guard let title, let text else { throw Problem.notFound("unreachable") }
        let now = Timestamp.milliseconds(clock())
        let snippet = try await database.write(store: store) {
            try await SnippetRepository(sql: $0, storeID: store).save(scope: scope, key: key, title: title, body: text, now: now)
        }
        return Response.json(snippet.json)
    }

    private func updateMessagingSettings(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let store = try context.requireStore()
        let (_, body) = try await writes.jsonBody(request)
        guard let object = body.objectValue else {
            throw Problem.validation(ValidationFailure(field: "(body)", message: "expected a JSON object"))
        }
        var errors: [FieldError] = []
        var changes: [String: JSONValue] = [:]
        for (key, value) in object {
            guard let range = MessagingSettings.ranges[key] else {
                errors.append(
                    FieldError(
                        field: key,
                        message:
                            "unknown setting; expected one of \(MessagingSettings.ranges.keys.sorted().joined(separator: ", "))"))
                continue
            }
            guard case .int(let number) = value, range.contains(number) else {
                errors.append(
                    FieldError(field: key, message: "expected a whole number from \(range.lowerBound) to \(range.upperBound)"))
                continue
            }
            changes[key] = .int(number)
        }
        guard errors.isEmpty else { throw Problem.validation(ValidationFailure(errors)) }
        let updated = try await database.write(store: store) { sql in
            var merged = try await MessagingSettings.load(store: store, in: sql).json
            if case .object(var members) = merged {
                for (key, value) in changes { members[key] = value }
                merged = .object(members)
            }
            let settings = MessagingSettings(json: merged)
            try await MessagingSettings.save(settings, store: store, in: sql)
            return settings
        }
        return Response.json(updated.json)
    }

    /// The settings without the private key; the DNS record to publish when DKIM is set up.
    static func senderJSON(_ settings: SenderSettings) -> JSONValue {
        var dnsRecord: JSONValue = .null
        if let signer = try? settings.dkimSigner() {
            dnsRecord = [
                "name": .string("\(signer.selector)._domainkey.\(signer.domain)"), "type": "TXT",
                "value": .string(signer.dnsRecord),
            ]
        }
        return [
            "fromEmail": JSONValue(settings.fromEmail), "fromName": JSONValue(settings.fromName),
            "replyTo": JSONValue(settings.replyTo),
            "smtpUrl": JSONValue(settings.smtpURL.flatMap { try? SMTPRelay(url: $0).description }),
            "dkimSelector": JSONValue(settings.dkimSelector), "dkimConfigured": .bool(settings.dkimPrivateKey != nil),
            "dkimDnsRecord": dnsRecord, "branding": settings.branding,
            "smsUrl": JSONValue(settings.smsURL.flatMap { try? TwilioRelay(url: $0).description }),
            "smsFrom": JSONValue(settings.smsFrom), "whatsappFrom": JSONValue(settings.whatsappFrom),
        ]
    }
}
