import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import PatronCore
import PatronStore

/// Guards every dashboard page: a live session cookie or a redirect to the sign-in page; on every
/// request that changes something, the session's CSRF token (form field `_csrf` or header
/// `X-CSRF-Token`) and, when the browser sends one, a same-origin `Origin`.
struct DashboardAuthenticator: RouterMiddleware {
    typealias Context = PatronRequestContext
    let database: Database
    let cookies: DashboardCookies
    let clock: @Sendable () -> Date

    static let lifetime: Int64 = 7 * 86_400_000
    static let idleLimit: Int64 = 24 * 3_600_000
    static let touchInterval: Int64 = 300_000
    static let maxFormBytes = 1_048_576

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let now = Timestamp.milliseconds(clock())
        guard let token = DashboardCookies.value(cookies.sessionName, in: request), token.utf8.count <= 100,
            let session = try await database.read({
                try await DashboardSessionRepository(sql: $0).find(
                    tokenHash: KeyGenerator.hash(token), now: now, idleLimit: Self.idleLimit)
            })
        else { return signInRedirect(request) }
        if now - session.lastSeenAt > Self.touchInterval {
            try await database.write(store: session.storeID) {
                try await DashboardSessionRepository(sql: $0).touch(tokenHash: session.tokenHash, now: now)
            }
        }
        var context = context
        context.dashboard = session
        context.storeID = session.storeID
        var request = request
        if request.method != .get && request.method != .head {
            if let origin = request.headers[.origin], let host = request.head.authority,
                !Self.sameOrigin(origin, host: host)
            {
                return DashboardErrorPage.response(status: .forbidden, message: "This request came from another site.")
            }
            var supplied = request.headers[HTTPField.Name("X-CSRF-Token")!]
            if request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
                let buffer = try await request.collectBody(upTo: Self.maxFormBytes)
                context.form = LinkPages.form(Array(buffer.readableBytesView))
                supplied = supplied ?? context.form["_csrf"]
            }
            guard let supplied, Self.constantTimeEqual(supplied, session.csrfToken) else {
                return DashboardErrorPage.response(
                    status: .forbidden,
                    message: "The form expired or did not come from this dashboard. Go back, reload the page and try again.")
            }
        }
        return try await next(request, context)
    }

    func signInRedirect(_ request: Request) -> Response {
        if request.headers[.accept]?.contains("application/json") == true || request.method != .get {
            return Problem.unauthorized("sign in to the dashboard first").response
        }
        let path = request.uri.path + (request.uri.query.map { "?\($0)" } ?? "")
        let next = path.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "/-_.~"))) ?? ""
        return Response(status: .seeOther, headers: [.location: "/app/login?next=\(next)"])
    }

    static func sameOrigin(_ origin: String, host: String) -> Bool {
        guard let url = URL(string: origin), let originHost = url.host else { return false }
        let port = url.port.map { ":\($0)" } ?? ""
        return (originHost + port).lowercased() == host.lowercased()
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

extension PatronRequestContext {
    /// The signed-in session; pages behind the authenticator always have one.
    func session() throws -> DashboardSession {
        guard let dashboard else { throw Problem.unauthorized("sign in to the dashboard first") }
        return dashboard
    }

    /// Refuses users whose role may not do this.
    func require(_ roles: DashboardRole...) throws -> DashboardSession {
        let session = try session()
        guard roles.contains(session.role) else {
            throw Problem(
                status: .forbidden, title: "Forbidden",
                detail: "Your role (\(session.role.rawValue)) cannot do this; ask an owner of the store.")
        }
        return session
    }
}
