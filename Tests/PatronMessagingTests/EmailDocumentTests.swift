import Foundation
import Testing

@testable import PatronMessaging

@Suite struct EmailDocumentTests {
    func message(subject: String = "Your order #1001", to name: String? = "Jane Doe") -> EmailMessage {
        EmailMessage(
            from: Mailbox(address: "shop@acme.test", name: "Acme Coffee"), to: Mailbox(address: "jane@example.com", name: name),
            subject: subject, text: "Hello\nworld", html: "<p>Hello</p>", messageId: "patron.abc@acme.test",
            date: Date(timeIntervalSince1970: 1_795_000_000))
    }

    @Test func headersBodyAndDeterministicBoundary() throws {
        let document = try message().document(utf8Allowed: false)
        #expect(document.headers.map(\.name) == ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"])
        #expect(document.value(of: "from") == "\"Acme Coffee\" <shop@acme.test>")
        #expect(document.value(of: "Message-ID") == "<patron.abc@acme.test>")
        #expect(document.value(of: "Date") == "Wed, 18 Nov 2026 11:06:40 +0000")
        #expect(document.value(of: "List-Unsubscribe") == nil)
        let again = try message().document(utf8Allowed: false)
        #expect(again.rendered == document.rendered)
        let boundary = try #require(document.value(of: "Content-Type")?.split(separator: "\"").dropFirst().first)
        #expect(document.body.contains("--\(boundary)\r\nContent-Type: text/plain; charset=utf-8"))
        #expect(document.body.hasSuffix("--\(boundary)--\r\n"))
        let textPart = try #require(document.body.components(separatedBy: "\r\n\r\n").dropFirst().first)
        let encoded = textPart.components(separatedBy: "\r\n--").first ?? ""
        #expect(
            String(decoding: Data(base64Encoded: encoded.replacingOccurrences(of: "\r\n", with: "")) ?? Data(), as: UTF8.self)
                == "Hello\r\nworld")
        #expect(document.body.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 76 })
    }

    @Test func marketingMailCarriesOneClickUnsubscribe() throws {
        var marketing = message()
        marketing.unsubscribeURL = "https://patron.example/u/abc"
        let document = try marketing.document(utf8Allowed: false)
        #expect(document.value(of: "List-Unsubscribe") == "<https://patron.example/u/abc>")
        #expect(document.value(of: "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
    }

    @Test func nonASCIIBecomesEncodedWordsUnlessTheRelayTakesUTF8() throws {
        let subject = "Danke für Ihre Bestellung – Zoë's Kaffee ☕ mit einer sehr langen Betreffzeile, die umbrochen wird"
        let document = try message(subject: subject, to: "Zoë Ångström").document(utf8Allowed: false)
        let encoded = try #require(document.value(of: "Subject"))
        #expect(encoded.utf8.allSatisfy { $0 < 0x80 })
        #expect(encoded.split(separator: "\r\n ").allSatisfy { $0.count <= 75 && $0.hasPrefix("=?UTF-8?B?") })
        #expect(Self.decodeWords(encoded) == subject)
        #expect(Self.decodeWords(String(document.value(of: "To")!.split(separator: " <").first!)) == "Zoë Ångström")
        let raw = try message(subject: subject, to: "Zoë Ångström").document(utf8Allowed: true)
        #expect(raw.value(of: "Subject") == subject)
        #expect(raw.value(of: "To") == "\"Zoë Ångström\" <jane@example.com>")
    }

    @Test func lineBreaksCannotStartAHeader() throws {
        #expect(throws: HeaderInjection(field: "Subject")) {
            try message(subject: "Hi\r\nBcc: victim@example.com").document(utf8Allowed: false)
        }
        #expect(throws: HeaderInjection(field: "To")) {
            try message(to: "Eve\nBcc: victim@example.com").document(utf8Allowed: false)
        }
        var extra = message()
        extra.extraHeaders = [("X-Tag", "a\rb")]
        #expect(throws: HeaderInjection(field: "X-Tag")) { try extra.document(utf8Allowed: true) }
    }

    @Test func quotesInDisplayNamesAreEscaped() {
        let mailbox = Mailbox(address: "a@b.test", name: #"Bob "The Builder" \ Co"#)
        #expect(HeaderEncoding.mailbox(mailbox, utf8Allowed: false) == #""Bob \"The Builder\" \\ Co" <a@b.test>"#)
        #expect(HeaderEncoding.mailbox(Mailbox(address: "a@b.test"), utf8Allowed: false) == "<a@b.test>")
    }

    @Test func dotStuffingProtectsTheEndOfData() {
        #expect(SMTPConnection.dotStuffed(".hidden\r\nline\r\n.\r\nend") == "..hidden\r\nline\r\n..\r\nend\r\n")
        #expect(SMTPConnection.dotStuffed("plain\r\n") == "plain\r\n")
    }

    static func decodeWords(_ header: String) -> String {
        let words = header.components(separatedBy: "\r\n ")
        var bytes: [UInt8] = []
        for word in words where word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?=") {
            let payload = word.dropFirst(10).dropLast(2)
            bytes += Data(base64Encoded: String(payload)).map(Array.init) ?? []
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
