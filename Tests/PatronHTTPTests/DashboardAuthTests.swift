import Foundation
import HTTPTypes
import HummingbirdTesting
import PatronCore
import PatronHTTP
import PatronStore
import Testing

/// A signed-in browser: the session cookie and the CSRF token its pages carry.
struct DashboardBrowser {
    var cookie: String
    var csrf: String

    var headers: HTTPFields { [.cookie: cookie] }
}

extension PatronTestHarness {
    func addUser(_ email: String, role: DashboardRole = .owner, password: String = "correct horse battery", store: Int64? = nil)
        async throws
    {
        let hash = try await PasswordHashing.hash(password)
        let storeID = store ?? storeA.id
        _ = try await database.write(store: storeID) {
            try await DashboardUserRepository(sql: $0).create(
                store: storeID, email: email, role: role, passwordHash: hash, now: Timestamp.milliseconds(Date()))
        }
    }

    /// Loads the sign-in page and posts the form; the raw response.
    func postSignIn(email: String, password: String, cookie: String? = nil) async throws -> TestResponse {
        let page = try await send(.get, "/app/login")
        let signInCookie = try #require(Self.cookies(page)["patron_signin"])
        let token = try #require(Self.hiddenValue("_csrf", in: page.bodyText))
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        headers[.cookie] = ["patron_signin=\(signInCookie)", cookie].compactMap { $0 }.joined(separator: "; ")
        let form = "email=\(Self.formEncode(email))&password=\(Self.formEncode(password))&_csrf=\(token)"
        return try await send(.post, "/app/login", headers: headers, body: Array(form.utf8))
    }

    func signIn(email: String, password: String = "correct horse battery") async throws -> DashboardBrowser {
        let response = try await postSignIn(email: email, password: password)
        #expect(response.status == .seeOther, "\(response.bodyText)")
        let session = try #require(Self.cookies(response)["patron_session"])
        let cookie = "patron_session=\(session)"
        let page = try await send(.get, "/app/settings", headers: [.cookie: cookie])
        let csrf = try #require(Self.hiddenValue("_csrf", in: page.bodyText))
        return DashboardBrowser(cookie: cookie, csrf: csrf)
    }

    func postForm(_ uri: String, _ fields: [String: String], as browser: DashboardBrowser) async throws -> TestResponse {
        var headers = browser.headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = fields.map { "\($0.key)=\(Self.formEncode($0.value))" }.joined(separator: "&")
        return try await send(.post, uri, headers: headers, body: Array(body.utf8))
    }

    static func cookies(_ response: TestResponse) -> [String: String] {
        var found: [String: String] = [:]
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            if pair.count == 2 { found[String(pair[0])] = String(pair[1]) }
        }
        return found
    }

    static func hiddenValue(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func formEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}

@Suite struct DashboardAuthTests {
    @Test func signInStartsASessionInAnHttpOnlyLaxCookieAndRotatesIt() async throws {
        try await withPatron { patron in
            try await patron.addUser("ann@example.com")
            let redirect = try await patron.send(.get, "/app/customers")
            #expect(redirect.status == .seeOther)
            #expect(redirect.headers[.location] == "/app/login?next=/app/customers")
            let response = try await patron.postSignIn(email: "ANN@example.com", password: "correct horse battery")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/app")
            let setCookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("patron_session=") })
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax") && setCookie.contains("Path=/"))
            #expect(!setCookie.contains("Secure"), "plain HTTP cannot carry Secure cookies")
            let first = "patron_session=\(try #require(PatronTestHarness.cookies(response)["patron_session"]))"
            let overview = try await patron.send(.get, "/app", headers: [.cookie: first])
            #expect(overview.status == .ok)
            #expect(overview.bodyText.contains("<h1>Overview</h1>"))
            #expect(overview.bodyText.contains("Store A"))
            // Signing in again from the same browser replaces the session: the old token stops working.
            let again = try await patron.postSignIn(email: "ann@example.com", password: "correct horse battery", cookie: first)
            #expect(again.status == .seeOther)
            let stale = try await patron.send(.get, "/app", headers: [.cookie: first])
            #expect(stale.status == .seeOther)
        }
    }

    @Test func overTLSTheCookiesAreHostPrefixedAndSecure() async throws {
        try await withPatron(publicURL: "https://patron.example.com") { patron in
            let page = try await patron.send(.get, "/app/login")
            let setCookie = try #require(page.headers[values: .setCookie].first)
            #expect(setCookie.hasPrefix("__Host-patron_signin="))
            #expect(setCookie.contains("; Secure") && setCookie.contains("Path=/") && !setCookie.contains("Domain"))
        }
    }

    @Test func wrongPasswordsAreRefusedAndThenThrottled() async throws {
        try await withPatron { patron in
            try await patron.addUser("bob@example.com")
            let unknown = try await patron.postSignIn(email: "nobody@example.com", password: "whatever password")
            #expect(unknown.status == .unauthorized)
            #expect(unknown.bodyText.contains("do not match an account"))
            #expect(PatronTestHarness.cookies(unknown)["patron_session"] == nil)
            for _ in 1...SignInThrottleLimits.perEmail {
                let wrong = try await patron.postSignIn(email: "bob@example.com", password: "not the password")
                #expect(wrong.status == .unauthorized)
            }
            let blocked = try await patron.postSignIn(email: "bob@example.com", password: "correct horse battery")
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.bodyText.contains("Too many failed sign-ins"))
            #expect(Int(blocked.headers[HTTPField.Name("Retry-After")!] ?? "") ?? 0 > 0)
            #expect(PatronTestHarness.cookies(blocked)["patron_session"] == nil)
        }
    }

    @Test func theSignInFormNeedsItsToken() async throws {
        try await withPatron { patron in
            try await patron.addUser("cat@example.com")
            let body = "email=cat%40example.com&password=correct+horse+battery&_csrf=forged"
            let response = try await patron.send(
                .post, "/app/login",
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "patron_signin=other"],
                body: Array(body.utf8))
            #expect(response.status == .forbidden)
            #expect(PatronTestHarness.cookies(response)["patron_session"] == nil)
        }
    }

    @Test func formsWithoutTheSessionTokenAreRefused() async throws {
        try await withPatron { patron in
            try await patron.addUser("dan@example.com")
            let browser = try await patron.signIn(email: "dan@example.com")
            let forged = try await patron.postForm(
                "/app/segments", ["name": "Forged", "rule": "orders.count >= 1", "_csrf": "wrong"], as: browser)
            #expect(forged.status == .forbidden)
            let crossSite = try await patron.send(
                .post, "/app/segments",
                headers: [
                    .cookie: browser.cookie, .contentType: "application/x-www-form-urlencoded", .origin: "https://evil.example",
                ], body: Array("name=X&rule=orders.count+%3E%3D+1&_csrf=\(browser.csrf)".utf8))
            #expect(crossSite.status == .forbidden)
            let saved = try await patron.postForm(
                "/app/segments", ["name": "Repeat buyers", "rule": "orders.count >= 2", "_csrf": browser.csrf], as: browser)
            #expect(saved.status == .seeOther, "\(saved.bodyText)")
            let segments = try await patron.database.read {
                try await SegmentRepository(sql: $0, storeID: patron.storeA.id).list()
            }
            #expect(segments.map(\.name) == ["Repeat buyers"])
            let invalid = try await patron.postForm(
                "/app/segments", ["name": "Broken", "rule": "orders.count >=", "_csrf": browser.csrf], as: browser)
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.bodyText.contains("Rule: "))
        }
    }

    @Test func pagesCarryStrictSecurityHeaders() async throws {
        try await withPatron { patron in
            try await patron.addUser("eve@example.com")
            let browser = try await patron.signIn(email: "eve@example.com")
            for uri in ["/app/login", "/app", "/app/customers", "/app/settings"] {
                let response = try await patron.send(.get, uri, headers: browser.headers)
                #expect(response.status == .ok, "\(uri)")
                let policy = response.headers[.contentSecurityPolicy] ?? ""
                #expect(policy.contains("frame-ancestors 'none'") && policy.contains("script-src 'self'"), "\(uri)")
                #expect(!policy.contains("unsafe-inline"), "\(uri)")
                #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(uri)")
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(uri)")
                #expect(response.headers[.cacheControl] == "no-store", "\(uri)")
                #expect(!response.bodyText.contains("<script>") && !response.bodyText.contains(" style=\""), "\(uri)")
            }
        }
    }

    @Test func onlyOwnersManageKeysAndUsersAndAUserSeesOnlyTheirStore() async throws {
        try await withPatron { patron in
            try await patron.addUser("owner@example.com")
            try await patron.addUser("agent@example.com", role: .support)
            try await patron.addUser("other@example.com", store: patron.storeB.id)
            let agent = try await patron.signIn(email: "agent@example.com")
            let refused = try await patron.postForm("/app/settings/keys", ["kind": "secret", "_csrf": agent.csrf], as: agent)
            #expect(refused.status == .forbidden)
            let owner = try await patron.signIn(email: "owner@example.com")
            let created = try await patron.postForm(
                "/app/settings/keys", ["kind": "secret", "label": "ERP", "_csrf": owner.csrf], as: owner)
            #expect(created.status == .ok)
            let key = try #require(
                created.bodyText.range(of: "sk_").map {
                    String(created.bodyText[$0.lowerBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                })
            let store = try await patron.send(.get, "/api/v1/store", headers: [.authorization: "Bearer \(key)"])
            #expect(store.status == .ok)
            let again = try await patron.send(.get, "/app/settings", headers: owner.headers)
            #expect(!again.bodyText.contains(key), "a key is shown once")
            let other = try await patron.signIn(email: "other@example.com")
            let page = try await patron.send(.get, "/app/settings", headers: other.headers)
            #expect(page.bodyText.contains("Store B") && !page.bodyText.contains("owner@example.com"))
        }
    }

    @Test func signOutEndsTheSession() async throws {
        try await withPatron { patron in
            try await patron.addUser("fay@example.com")
            let browser = try await patron.signIn(email: "fay@example.com")
            let forged = try await patron.postForm("/app/logout", ["_csrf": "forged"], as: browser)
            #expect(forged.status == .forbidden)
            let out = try await patron.postForm("/app/logout", ["_csrf": browser.csrf], as: browser)
            #expect(out.status == .seeOther)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            let after = try await patron.send(.get, "/app", headers: browser.headers)
            #expect(after.status == .seeOther)
        }
    }

    @Test func afterSignInOnlyDashboardPathsAreFollowed() async throws {
        try await withPatron { patron in
            try await patron.addUser("gus@example.com")
            for (next, expected) in [
                ("/app/customers?sort=clv", "/app/customers?sort=clv"), ("//evil.example/app", "/app"),
                ("https://evil.example", "/app"), ("/app/login", "/app"),
            ] {
                let page = try await patron.send(.get, "/app/login?next=\(PatronTestHarness.formEncode(next))")
                let signInCookie = try #require(PatronTestHarness.cookies(page)["patron_signin"])
                let token = try #require(PatronTestHarness.hiddenValue("_csrf", in: page.bodyText))
                let carried = try #require(PatronTestHarness.hiddenValue("next", in: page.bodyText))
                let form =
                    "email=gus%40example.com&password=correct+horse+battery&_csrf=\(token)&next=\(PatronTestHarness.formEncode(carried))"
                let response = try await patron.send(
                    .post, "/app/login",
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "patron_signin=\(signInCookie)"],
                    body: Array(form.utf8))
                #expect(response.headers[.location] == expected, "next=\(next)")
            }
        }
    }
}
