import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PatronStore

/// The dashboard's sections, in navigation order.
enum DashboardSection: String, CaseIterable, Sendable {
    case overview, customers, segments, cohorts, flows, campaigns, messages, settings

    var label: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
    var path: String { self == .overview ? "/app" : "/app/\(rawValue)" }
}

/// Renders a page inside the layout: navigation, the signed-in user, the sign-out form and a notice.
struct DashboardView: Sendable {
    let templates: DashboardTemplates

    /// Notices a redirect may ask for with `?notice=`; only these fixed texts are ever shown.
    static let notices: [String: String] = [
        "saved": "Saved.", "created": "Created.", "deleted": "Deleted.", "flow-on": "The flow is on.",
        "flow-off": "The flow is off.", "test-sent": "Test message queued; it appears in Messages.",
        "key-revoked": "The key is revoked; requests with it now fail.", "user-created": "User added.",
        "user-deleted": "User removed.", "signed-out": "You are signed out.", "refreshing": "Analytics refreshed.",
    ]

    func page(
        _ template: String, title: String, section: DashboardSection, session: DashboardSession, request: Request,
        values: [String: Any], error: String? = nil, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        var scope = values
        scope["title"] = title
        scope["storeName"] = session.storeName
        scope["userEmail"] = session.email
        scope["role"] = session.role.rawValue
        scope["csrf"] = session.csrfToken
        scope["isOwner"] = session.role == .owner
        scope["canEdit"] = session.role != .support
        scope["nav"] = DashboardSection.allCases.map { item -> [String: Any] in
            ["href": item.path, "label": item.label, "current": item == section]
        }
        if let notice = request.uri.queryParameters["notice"].flatMap({ Self.notices[String($0)] }) {
            scope["notice"] = notice
        }
        if let error { scope["error"] = error }
        return Self.html(try templates.render(template, Self.withoutEmptyText(scope)), status: status)
    }

    /// Mustache treats an empty string as true, so `{{^email}}–{{/email}}` would never show the dash:
    /// empty texts are removed, which makes them false and renders them as nothing, as before.
    static func withoutEmptyText(_ values: [String: Any]) -> [String: Any] {
        var cleaned: [String: Any] = [:]
        for (key, value) in values {
            switch value {
            case let text as String where text.isEmpty: continue
            case let nested as [String: Any]: cleaned[key] = withoutEmptyText(nested)
            case let list as [[String: Any]]: cleaned[key] = list.map(withoutEmptyText)
            default: cleaned[key] = value
            }
        }
        return cleaned
    }

    /// The query string decoded as a form (`+` is a space), which `uri.queryParameters` does not do.
    static func query(_ request: Request) -> [String: String] {
        LinkPages.form(Array((request.uri.query ?? "").utf8))
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}

/// A plain page for errors, readable without the layout (which needs a session).
enum DashboardErrorPage {
    static func response(status: HTTPResponse.Status, message: String) -> Response {
        let title = "\(status.code) \(status.reasonPhrase)"
        return DashboardView.html(
            """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(LinkPages.escape(title)) · Patron</title><link rel="stylesheet" href="/app/assets/app.css"></head>
            <body class="login-page"><main class="login-card"><h1>\(LinkPages.escape(title))</h1>
            <p>\(LinkPages.escape(message))</p><p><a href="/app">Back to the dashboard</a></p></main></body></html>
            """, status: status)
    }
}

/// Turns errors on dashboard pages into HTML pages; JSON callers (the live segment check) keep problems.
struct DashboardErrorPages<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            if request.headers[.accept]?.contains("application/json") == true { return problem.response }
            return DashboardErrorPage.response(status: problem.status, message: problem.detail)
        } catch let error as HTTPError {
            return DashboardErrorPage.response(status: error.status, message: error.body ?? error.status.reasonPhrase)
        } catch {
            context.logger.error("dashboard page failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return DashboardErrorPage.response(
                status: .internalServerError, message: "Something went wrong on our side; the error is in the server log.")
        }
    }
}
