import Foundation
import Testing

@testable import PatronMessaging

@Suite struct LinkSignerTests {
    let signer = LinkSigner(secret: Array(repeating: 7, count: 32))

    @Test func tokensRoundTripAndCannotBeEdited() {
        let link = SignedLink(
            kind: .click, store: 3, customer: 42, message: 9, url: "https://shop.example/p?a=1&b=2", expires: 2_000)
        let token = signer.token(for: link)
        #expect(signer.verify(token, now: 1_000) == link)
        #expect(signer.verify(token, now: 2_001) == nil, "expired")
        let other = LinkSigner(secret: Array(repeating: 8, count: 32))
        #expect(other.verify(token, now: 1_000) == nil, "another installation's key")
        // Re-encoding the payload for another customer keeps the old tag, which no longer matches.
        let parts = token.split(separator: ".")
        let forged = signer.token(
            for: SignedLink(kind: .click, store: 3, customer: 43, message: 9, url: link.url, expires: 2_000))
        #expect(signer.verify(forged.split(separator: ".")[0] + "." + parts[1], now: 1_000) == nil)
        #expect(signer.verify("garbage", now: 1_000) == nil)
        #expect(signer.verify(token.replacingOccurrences(of: ".", with: ".A"), now: 1_000) == nil)
    }

    @Test func unsubscribeLinksNeverExpire() {
        let link = SignedLink(kind: .unsubscribe, store: 1, customer: 2, message: 3)
        #expect(signer.verify(signer.token(for: link), now: Int64.max / 2) == link)
    }
}

@Suite struct TrackedHTMLTests {
    @Test func rewritesOutsideLinksAndAddsThePixel() {
        let html =
            #"<html><body><a href="https://shop.example/a?x=1&amp;y=2">A</a> <a href="https://patron.example/u/tok">Unsub</a> <a href="mailto:x@y.z">M</a></body></html>"#
        var seen: [String] = []
        let out = TrackedHTML.rewrite(
            html, keep: "https://patron.example",
            track: {
                seen.append($0)
                return "T"
            }, pixel: "P")
        #expect(seen == ["https://shop.example/a?x=1&y=2"])
        #expect(out.contains(#"<a href="T">A</a>"#))
        #expect(out.contains(#"href="https://patron.example/u/tok""#))
        #expect(out.contains(#"href="mailto:x@y.z""#))
        #expect(out.contains(#"<img src="P" width="1" height="1" alt="" style="display:block;border:0;"></body>"#))
    }
}

@Suite struct ProviderTests {
    @Test func twilioURLsAndAnswers() throws {
        let relay = try TwilioRelay(url: "https://AC123:secret@api.twilio.com")
        #expect(relay.accountSid == "AC123" && relay.port == 443 && relay.description == "https://AC123:***@api.twilio.com:443")
        #expect(throws: TwilioRelay.InvalidURL.self) { try TwilioRelay(url: "https://api.twilio.com") }
        #expect(throws: TwilioRelay.InvalidURL.self) { try TwilioRelay(url: "ftp://a:b@c") }
        #expect(
            TwilioRelay.outcome(status: 201, body: Array(#"{"sid":"SM1","status":"queued"}"#.utf8))
                == .accepted(id: "SM1", status: "queued"))
        #expect(TwilioRelay.outcome(status: 503, body: []) == .retry(reason: "HTTP 503"))
        let stop = TwilioRelay.outcome(status: 400, body: Array(#"{"code":21610,"message":"unsubscribed"}"#.utf8))
        #expect(stop == .unreachable(reason: "provider error 21610: unsubscribed"))
        #expect(TwilioRelay.formEncode("+1 555 & more") == "%2B1+555+%26+more")
    }

    @Test func phoneNumbers() {
        #expect(PhoneNumber.e164("+1 (555) 123-4567") == "+15551234567")
        #expect(PhoneNumber.e164("+44 20 7946 0958") == "+442079460958")
        #expect(PhoneNumber.e164("555-1234") == nil)
        #expect(PhoneNumber.e164("+1 555 CALL NOW") == nil)
        #expect(PhoneNumber.e164("+0123456789") == nil)
    }

    @Test func webhookAnswers() {
        #expect(WebhookSender.outcome(status: 204, retryAfter: nil) == .delivered(status: 204))
        #expect(WebhookSender.outcome(status: 410, retryAfter: nil) == .gone)
        #expect(WebhookSender.outcome(status: 301, retryAfter: nil) == .rejected(reason: "HTTP 301: redirects are not followed"))
        #expect(WebhookSender.outcome(status: 429, retryAfter: "120") == .retry(reason: "HTTP 429", afterSeconds: 120))
        #expect(WebhookSender.outcome(status: 404, retryAfter: nil) == .rejected(reason: "HTTP 404"))
        #expect(WebhookSender.retryAfterSeconds("999999") == 86_400)
        let inAMinute = Date().addingTimeInterval(61)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let seconds = WebhookSender.retryAfterSeconds(formatter.string(from: inAMinute)) ?? -1
        #expect((55...62).contains(seconds))
    }

    @Test func webhooksRefusePrivateDestinationsBeforeConnecting() async throws {
        let sender = WebhookSender(signer: try StandardWebhookSigner(secret: StandardWebhookSigner.generateSecret()))
        for url in ["http://127.0.0.1:9/hook", "http://169.254.169.254/latest/meta-data", "http://[::1]/x", "http://localhost/x"]
        {
            let outcome = await sender.send(url: url, id: "msg_1", timestamp: 1, body: [])
            guard case .rejected(let reason) = outcome else {
                Issue.record("\(url): \(outcome)")
                continue
            }
            #expect(reason.hasPrefix("refused destination"), "\(url): \(reason)")
        }
    }
}
