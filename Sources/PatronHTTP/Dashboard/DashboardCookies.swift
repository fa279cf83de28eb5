import Foundation
import HTTPTypes
import Hummingbird

/// The dashboard's cookies. Over TLS they are `__Host-` cookies (Secure, Path=/, no Domain), which a
/// browser only accepts from a secure origin; on plain HTTP (local use) the same cookies go without the
/// prefix and the Secure flag. Always HttpOnly and SameSite=Lax.
struct DashboardCookies: Sendable {
    let secure: Bool

    init(publicURL: String) {
        secure = publicURL.lowercased().hasPrefix("https://")
    }

    var sessionName: String { secure ? "__Host-patron_session" : "patron_session" }
    var signInName: String { secure ? "__Host-patron_signin" : "patron_signin" }

    func set(_ name: String, _ value: String, maxAge: Int) -> String {
        "\(name)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax\(secure ? "; Secure" : "")"
    }

    func clear(_ name: String) -> String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax\(secure ? "; Secure" : "")"
    }

    static func value(_ name: String, in request: Request) -> String? {
        request.cookies[name]?.value
    }
}

/// Headers on every dashboard response: a strict content security policy (no inline script or style,
/// no framing by other sites), no MIME sniffing, no referrer to other origins, and no caching of pages.
struct DashboardSecurityHeaders<Context: RequestContext>: RouterMiddleware {
    static var policy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; frame-src 'self'; "
            + "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        let framed = request.uri.path.hasSuffix("/body")
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = Self.policy
        }
        response.headers[HTTPField.Name("X-Frame-Options")!] = framed ? "SAMEORIGIN" : "DENY"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("Permissions-Policy")!] = "camera=(), microphone=(), geolocation=()"
        response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
