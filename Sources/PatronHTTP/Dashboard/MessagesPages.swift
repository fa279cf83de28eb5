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
    func messages(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.session()
        let store = session.storeID
        let reason = DashboardView.query(request)["reason"].flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
        let filter = MessageLog.Filter(
            status: try request.queryChoice("status", MessageLog.statuses),
            channel: try request.queryChoice("channel", MessageLog.channels), reason: reason)
        let before = request.uri.queryParameters["before"].flatMap { Int64($0) }
        let log = MessageLog(database: database)
        let page = try await log.list(store: store, filter: filter, limit: CustomerList.pageSize, before: before)
        let reasons = try await log.reasons(store: store)
        func filterLink(before: Int64?) -> String {
            var parts: [String] = []
            if let channel = filter.channel { parts.append("channel=\(channel)") }
            if let status = filter.status { parts.append("status=\(status)") }
            if let reason { parts.append("reason=\(Self.encode(reason))") }
            if let before { parts.append("before=\(before)") }
            return "/app/messages" + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
        }
        let values: [String: Any] = [
            "channels": MessageLog.channels.map { ["value": $0, "selected": $0 == filter.channel] as [String: Any] },
            "statuses": MessageLog.statuses.map { ["value": $0, "selected": $0 == filter.status] as [String: Any] },
            "reasons": reasons.map { ["value": $0, "selected": $0 == reason] as [String: Any] },
            "rows": page.items.map { message -> [String: Any] in
                let status = message["status"]?.stringValue ?? ""
                let customer = message["customerId"]?.doubleValue.map { Int64($0) }
                return [
                    "id": message["id"]?.doubleValue.map { Int64($0) } ?? 0, "channel": message["channel"]?.stringValue ?? "",
                    "status": status, "badge": Self.badge(status), "reason": message["reason"]?.stringValue ?? "",
                    "origin": message["flow"]?.stringValue
                        ?? (message["campaignId"]?.doubleValue.map { "campaign \(Int64($0))" } ?? ""),
                    "recipient": message["recipient"]?.stringValue ?? "",
                    "subject": message["subject"]?.stringValue ?? message["template"]?.stringValue ?? "",
                    "time": DisplayFormat.dateTime(
                        rfc3339: message["sentAt"]?.stringValue ?? message["createdAt"]?.stringValue),
                    "engagement": Self.engagement(message),
                    "customerId": customer ?? 0, "hasCustomer": customer != nil,
                ]
            },
            "empty": page.items.isEmpty, "filtered": !filter.isEmpty,
            "hasNext": page.nextCursor != nil, "next": page.nextCursor.map { filterLink(before: $0) } ?? "",
            "paged": before != nil, "first": filterLink(before: nil),
        ]
        return try view.page(
            "messages", title: "Messages", section: .messages, session: session, request: request, values: values)
    }

    /// What the shopper did with a message: "opened · clicked", or empty.
    static func engagement(_ message: JSONValue) -> String {
        [("openedAt", "opened"), ("clickedAt", "clicked"), ("unsubscribedAt", "unsubscribed")]
            .filter { message[$0.0]?.stringValue != nil }.map(\.1).joined(separator: " · ")
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
        let id = try pathId(context, "message")
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
            "opened": message["openedAt"]?.stringValue.map { DisplayFormat.dateTime(rfc3339: $0) } ?? "",
            "clicked": message["clickedAt"]?.stringValue.map { DisplayFormat.dateTime(rfc3339: $0) } ?? "",
            "unsubscribed": message["unsubscribedAt"]?.stringValue.map { DisplayFormat.dateTime(rfc3339: $0) } ?? "",
        ]
        return try view.page(
            "message", title: "Message \(id)", section: .messages, session: session, request: request, values: values)
    }

    /// The message body rendered from its stored context with the current templates, for the frame on the
    /// message page. It runs no script and loads only images (its own policy).
    func messageBody(_ context: PatronRequestContext) async throws -> Response {
        let session = try context.session()
        let id = try pathId(context, "message")
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
