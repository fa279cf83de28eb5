import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PatronCore
import PatronStore

/// Signing in and out of the dashboard, and its static assets. The sign-in form carries a token that
/// must equal the one in a short-lived cookie (no session exists yet to hold a CSRF token); failed
/// attempts are counted per e-mail and per client address and refused for a while past a limit.
struct SignInController: Sendable {
    let database: Database
    let templates: DashboardTemplates
    let cookies: DashboardCookies
    let clock: @Sendable () -> Date

    var routes: RouteCollection<PatronRequestContext> {
        let routes = RouteCollection(context: PatronRequestContext.self)
        routes.add(middleware: DashboardSecurityHeaders())
        routes.get("app/login") { request, _ in try signInPage(request, email: "", error: nil, status: .ok) }
        routes.post("app/login") { request, context in try await signIn(request, context) }
        routes.post("app/logout") { request, _ in try await signOut(request) }
        routes.get("app/assets/:file") { _, context in try asset(context.parameters.get("file") ?? "") }
        return routes
    }

    func signInPage(_ request: Request, email: String, error: String?, status: HTTPResponse.Status) throws -> Response {
        let token = KeyGenerator.random(bytes: 24)
        var values: [String: Any] = ["csrf": token, "email": email, "next": Self.safeNext(request)]
        if let error { values["error"] = error }
        if request.uri.queryParameters["notice"] == "signed-out" { values["notice"] = "You are signed out." }
        var response = DashboardView.html(try templates.render("login", values), status: status)
        response.headers[.setCookie] = cookies.set(cookies.signInName, token, maxAge: 3_600)
        return response
    }

    func signIn(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let form = LinkPages.form(try await request.rawBody(limit: 16_384))
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let password = form["password"] ?? ""
        guard let cookie = DashboardCookies.value(cookies.signInName, in: request), let supplied = form["_csrf"],
            DashboardAuthenticator.constantTimeEqual(cookie, supplied)
        else {
            return try signInPage(
                request, email: email, error: "The sign-in form expired; please try again.", status: .forbidden)
        }
        guard !email.isEmpty, !password.isEmpty else {
            return try signInPage(
                request, email: email, error: "Enter your e-mail address and your password.", status: .unprocessableContent)
        }
        let now = Timestamp.milliseconds(clock())
        let subjects = ["email:" + DashboardUserRepository.key(email), "address:" + (context.clientAddress ?? "unknown")]
        let limits = [SignInThrottleLimits.perEmail, SignInThrottleLimits.perAddress]
        let recent = try await database.read { sql in
            var found: [(count: Int, oldest: Int64?)] = []
            for subject in subjects {
                found.append(
                    try await SignInFailures(sql: sql).recent(subject: subject, since: now - SignInThrottleLimits.window))
            }
            return found.map { [$0.count, Int($0.oldest ?? now)] }
        }
        for (index, counts) in recent.enumerated() where counts[0] >= limits[index] {
            let retry = max(1, (Int64(counts[1]) + SignInThrottleLimits.window - now) / 1000)
            var response = try signInPage(
                request, email: email,
                error: "Too many failed sign-ins. Try again in \(max(1, (retry + 59) / 60)) minutes.",
                status: .tooManyRequests)
            response.headers[HTTPField.Name("Retry-After")!] = String(retry)
            return response
        }
        let user = try await database.read { try await DashboardUserRepository(sql: $0).find(email: email) }
        let valid = try await PasswordHashing.verify(password, hash: user?.passwordHash ?? PasswordHashing.decoy)
        guard let user, valid else {
            try await database.write(store: 0) { try await SignInFailures(sql: $0).record(subjects: subjects, now: now) }
            return try signInPage(
                request, email: email, error: "That e-mail and password do not match an account.", status: .unauthorized)
        }
        let token = KeyGenerator.random(bytes: 32)
        let csrf = KeyGenerator.random(bytes: 24)
        let previous = DashboardCookies.value(cookies.sessionName, in: request)
        try await database.write(store: user.storeID) { sql in
            let sessions = DashboardSessionRepository(sql: sql)
            if let previous { try await sessions.delete(tokenHash: KeyGenerator.hash(previous)) }
            try await sessions.create(
                tokenHash: KeyGenerator.hash(token), csrfToken: csrf, user: user, now: now,
                expiresAt: now + DashboardAuthenticator.lifetime)
            try await DashboardUserRepository(sql: sql).recordSignIn(id: user.id, now: now)
            try await SignInFailures(sql: sql).clear(subject: subjects[0])
        }
        var response = DashboardView.redirect(Self.safeNext(request, form: form))
        response.headers[values: .setCookie] = [
            cookies.set(cookies.sessionName, token, maxAge: Int(DashboardAuthenticator.lifetime / 1000)),
            cookies.clear(cookies.signInName),
        ]
        return response
    }

    /// Ends the session named by the cookie; the form must carry the session's CSRF token, so another
    /// site cannot sign the merchant out.
    func signOut(_ request: Request) async throws -> Response {
        if let token = DashboardCookies.value(cookies.sessionName, in: request), token.utf8.count <= 100 {
            let form = LinkPages.form(try await request.rawBody(limit: 16_384))
            let hash = KeyGenerator.hash(token)
            let session = try await database.read {
                try await DashboardSessionRepository(sql: $0).find(
                    tokenHash: hash, now: Timestamp.milliseconds(clock()), idleLimit: DashboardAuthenticator.idleLimit)
            }
            if let session {
                guard DashboardAuthenticator.constantTimeEqual(form["_csrf"] ?? "", session.csrfToken) else {
                    return DashboardErrorPage.response(
                        status: .forbidden, message: "The sign-out form expired. Go back, reload the page and try again.")
                }
                try await database.write(store: session.storeID) {
                    try await DashboardSessionRepository(sql: $0).delete(tokenHash: hash)
                }
            }
        }
        var response = DashboardView.redirect("/app/login?notice=signed-out")
        response.headers[.setCookie] = cookies.clear(cookies.sessionName)
        return response
    }

    func asset(_ name: String) throws -> Response {
        guard let bytes = templates.assets[name] else { throw Problem.notFound("no asset \(name)") }
        let type =
            name.hasSuffix(".css")
            ? "text/css; charset=utf-8" : name.hasSuffix(".js") ? "text/javascript; charset=utf-8" : "application/octet-stream"
        return Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=300"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Where to go after signing in: a dashboard path only, never another site.
    static func safeNext(_ request: Request, form: [String: String] = [:]) -> String {
        let raw = form["next"] ?? DashboardView.query(request)["next"] ?? ""
        guard raw.hasPrefix("/app"), !raw.hasPrefix("/app/login"), !raw.contains("//"), !raw.contains("\\"),
            raw.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f })
        else { return "/app" }
        return raw
    }
}

/// How many failed sign-ins within `window` milliseconds stop further attempts for an e-mail and for a
/// client address.
public enum SignInThrottleLimits {
    public static let window: Int64 = 15 * 60_000
    public static let perEmail = 5
    public static let perAddress = 30
}
