import NIOCore
import NIOEmbedded
import Testing

@testable import PatronMessaging

@Suite struct SMTPRelayTests {
    @Test func parsesTheURLForms() throws {
        let plain = try SMTPRelay(url: "smtp://mailer:p%40ss@mail.example.com:2525?starttls=required&helo=patron.example")
        #expect(plain.host == "mail.example.com" && plain.port == 2525 && !plain.implicitTLS)
        #expect(plain.username == "mailer" && plain.password == "p@ss" && plain.startTLS == .required)
        #expect(plain.heloName == "patron.example")
        #expect(plain.description == "smtp://mailer:***@mail.example.com:2525")
        let tls = try SMTPRelay(url: "smtps://relay.example.com")
        #expect(tls.implicitTLS && tls.port == 465 && tls.startTLS == .off)
        let local = try SMTPRelay(url: "smtp://127.0.0.1?starttls=off&ca_file=/tmp/ca.pem&tls_verify=false")
        #expect(local.port == 25 && local.startTLS == .off && local.caFile == "/tmp/ca.pem" && !local.verifyCertificates)
    }

    @Test(arguments: [
        ("http://mail.example.com", "scheme"), ("smtp://", "host"), ("smtp://a.example?starttls=maybe", "starttls"),
        ("smtp://a.example?colour=blue", "unknown parameter"), ("smtp://user@a.example", "password"),
        ("smtp://a.example?tls_verify=nope", "tls_verify"),
    ])
    func rejectsBadURLsSayingWhy(url: String, mention: String) {
        do {
            _ = try SMTPRelay(url: url)
            Issue.record("\(url) was accepted")
        } catch {
            #expect("\(error)".contains(mention), "\(error)")
        }
    }

    @Test func decoderJoinsMultiLineRepliesAndRejectsGarbage() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMTPResponseDecoder()))
        try channel.writeInbound(ByteBuffer(string: "250-mail.example.com hello\r\n250-SMTPUTF8\r\n250 AUTH PLAIN"))
        #expect(try channel.readInbound(as: SMTPResponse.self) == nil)
        try channel.writeInbound(ByteBuffer(string: " LOGIN\r\n354 go ahead\r\n"))
        let ehlo = try #require(try channel.readInbound(as: SMTPResponse.self))
        #expect(ehlo.code == 250)
        #expect(ehlo.lines == ["mail.example.com hello", "SMTPUTF8", "AUTH PLAIN LOGIN"])
        #expect(try channel.readInbound(as: SMTPResponse.self) == SMTPResponse(code: 354, lines: ["go ahead"]))
        #expect(throws: SMTPError.self) { try channel.writeInbound(ByteBuffer(string: "hello there\r\n")) }
    }

    @Test func onlyServerRefusalsOf5xxArePermanent() {
        #expect(SMTPError.rejected(stage: "RCPT TO", response: SMTPResponse(code: 550, lines: ["no such user"])).isPermanent)
        #expect(!SMTPError.rejected(stage: "RCPT TO", response: SMTPResponse(code: 451, lines: ["try later"])).isPermanent)
        #expect(!SMTPError.connectionClosed.isPermanent)
        #expect(SMTPError.utf8NotSupported.isPermanent)
    }
}
