import Foundation
import Hummingbird
import NIOCore
import PatronCore
import PatronEngine
import PatronMessaging
import PatronStore
import SQLKit

/// The message log with filters, and each message as it was rendered.
extension DashboardController {
    static let channels = ["email", "sms", "whatsapp", "webhook"]
    static let statuses = ["queued", "sending", "sent", "failed", "suppressed"]

    func messages(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.session()
        let store = session.storeID
        let query = request.uri.queryParameters
        func choice(_ name: String, _ allowed: [String]) throws -> String? {
            guard let value = query[Substring(name)].map(String.init), !value.isEmpty else { return nil }
            guard allowed.contains(value) else {
                throw Problem.validation(
                    ValidationFailure(field: name, message: "expected one of \(allowed.joined(separator: ", "))"))
            }
            return value
        }
        let channel = try choice("channel", Self.channels)
        let status = try choice("status", Self.statuses)
        let reason = DashboardView.query(request)["reason"].flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
        let before = query["before"].flatMap { Int64($0) }
        let (rows, reasons) = try await database.read { sql in
            var statement: SQLQueryString = """
                SELECT id, customer_id, flow, campaign_id, channel, template, status, reason, recipient, subject, created_at, sent_at
                FROM messages WHERE store_id = \(bind: store)
                """
            if let channel { statement += " AND channel = \(bind: channel)" }
            if let status { statement += " AND status = \(bind: status)" }
            if let reason { statement += " AND reason = \(bind: reason)" }
            if let before { statement += " AND id < \(bind: before)" }
            statement += " ORDER BY id DESC LIMIT \(unsafeRaw: String(CustomerList.pageSize + 1))"
            let rows = try await sql.raw(statement).all()
            let reasons = try await sql.raw(
                """
                SELECT DISTINCT reason FROM (SELECT reason FROM messages WHERE store_id = \(bind: store) AND reason IS NOT NULL
                    ORDER BY id DESC LIMIT 2000) recent ORDER BY reason
                """
            ).all().map { try $0.requiredText("reason") }
            return (rows, reasons)
        }
        let page = rows.prefix(CustomerList.pageSize)
        func filterLink(before: Int64?) -> String {
            var parts: [String] = []
            if let channel { parts.append("channel=\(channel)") }
            if let status { parts.append("status=\(status)") }
            if let reason { parts.append("reason=\(Self.encode(reason))") }
            if let before { parts.append("before=\(before)") }
            return "/app/messages" + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
        }
        let lastID = try page.last?.int("id")
        let values: [String: Any] = [
            "channels": Self.channels.map { ["value": $0, "selected": $0 == channel] as [String: Any] },
            "statuses": Self.statuses.map { ["value": $0, "selected": $0 == status] as [String: Any] },
            "reasons": reasons.map { ["value": $0, "selected": $0 == reason] as [String: Any] },
            "rows": try page.map { row -> [String: Any] in
                let status = try row.requiredText("status")
                return [
                    "id": try row.int("id"), "channel": try row.requiredText("channel"), "status": status,
                    "badge": Self.badge(status), "reason": try row.text("reason") ?? "",
                    "origin": try row.text("flow") ?? (try row.optionalInt("campaign_id").map { "campaign \($0)" } ?? ""),
                    "recipient": try row.text("recipient") ?? "",
                    "subject": try row.text("subject") ?? row.requiredText("template"),
                    "time": DisplayFormat.dateTime(milliseconds: try row.optionalInt("sent_at") ?? row.int("created_at")),
                    "customerId": try row.optionalInt("customer_id") ?? 0,
                    "hasCustomer": try row.optionalInt("customer_id") != nil,
                ]
            },
            "empty": page.isEmpty, "filtered": channel != nil || status != nil || reason != nil,
            "hasNext": rows.count > CustomerList.pageSize, "next": lastID.map { filterLink(before: $0) } ?? "",
            "paged": before != nil, "first": filterLink(before: nil),
        ]
        return try view.page(
            "messages", title: "Messages", section: .messages, session: session, request: request, values: values)
    }

    static func badge(_ status: String) -> String {
        switch status {
        case "sent": "badge-ok"
        case "failed": "badge-bad"
        case "suppressed": "badge-warn"
        default: "badge-muted"
        }
    }

    func message(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.session()
        let id = try pathID(context)
        guard let message = try await MessageLog(database: database).message(store: session.storeID, id: id) else {
            throw Problem.notFound("This store has no message \(id).")
        }
        let status = message["status"]?.stringValue ?? ""
        let values: [String: Any] = [
            "id": id, "channel": message["channel"]?.stringValue ?? "", "status": status, "badge": Self.badge(status),
            "subject": message["subject"]?.stringValue ?? "", "recipient": message["recipient"]?.stringValue ?? "",
            "template": message["template"]?.stringValue ?? "", "flow": message["flow"]?.stringValue ?? "",
            "hasFlow": message["flow"]?.stringValue != nil, "reason": message["reason"]?.stringValue ?? "",
            "lastError": message["lastError"]?.stringValue ?? "", "messageId": message["messageId"]?.stringValue ?? "",
            "customerId": message["customerId"]?.doubleValue.map { Int64($0) } ?? 0,
            "hasCustomer": message["customerId"]?.doubleValue != nil,
            "created": DisplayFormat.dateTime(rfc3339: message["createdAt"]?.stringValue),
            "sent": DisplayFormat.dateTime(rfc3339: message["sentAt"]?.stringValue),
            "attempts": message["attempts"]?.doubleValue.map { Int($0) } ?? 0,
        ]
        return try view.page(
            "message", title: "Message \(id)", section: .messages, session: session, request: request, values: values)
    }

    /// The message body rendered from its stored context with the current templates, for the frame on the
    /// message page. It runs no script and loads only images (its own policy).
    func messageBody(_ context: PatronRequestContext) async throws -> Response {
        let session = try context.session()
        let id = try pathID(context)
        guard let templates = emailTemplates else { throw Problem.notFound("templates failed to load") }
        let row = try await database.read { sql in
            try await sql.raw(
                """
                SELECT id, customer_id, flow, campaign_id, template, channel, purpose, topic, context, message_id, status, attempts
                FROM messages WHERE store_id = \(bind: session.storeID) AND id = \(bind: id)
                """
            ).first()
        }
        guard let row else { throw Problem.notFound("This store has no message \(id).") }
        let message = OutboxMessage(
            id: id, store: session.storeID, customer: try row.optionalInt("customer_id"), flow: try row.text("flow"),
            template: try row.requiredText("template"), channel: try row.requiredText("channel"),
            purpose: try row.requiredText("purpose"), topic: try row.text("topic"),
            context: try row.json("context", fallback: [:]),
            messageId: try row.requiredText("message_id"), status: try row.requiredText("status"), attempts: 0, leaseOwner: "")
        return try await renderedFrame(message, templates: templates)
    }

    /// An email's HTML, or a text message as preformatted text, under a policy that allows inline styles
    /// and images but no script, framed only by the dashboard itself.
    func renderedFrame(_ message: OutboxMessage, templates: EmailTemplates) async throws -> Response {
        let composer = MessageComposer(database: database, templates: templates)
        let html: String
        switch try await composer.compose(message, now: clock(), applyGuardrails: false) {
        case .ready(let email, _, _): html = email.html
        case .readySMS(_, _, let body, _):
            html = "<!doctype html><meta charset=\"utf-8\"><pre>\(LinkPages.escape(body))</pre>"
        case .suppress(let reason), .notYet(let reason), .impossible(let reason), .later(_, let reason):
            html = "<!doctype html><meta charset=\"utf-8\"><p>This message cannot be shown: \(LinkPages.escape(reason))</p>"
        }
        var response = DashboardView.html(html)
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"
        return response
    }
}
