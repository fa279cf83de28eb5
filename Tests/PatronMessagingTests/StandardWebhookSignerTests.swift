import Testing

@testable import PatronMessaging

@Suite struct StandardWebhookSignerTests {
    /// Signatures computed by the reference Python library (`standardwebhooks`, `Webhook.sign`), so the
    /// check is against an independent implementation of the spec.
    @Test func signaturesMatchTheReferenceLibrary() throws {
        let signer = try StandardWebhookSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let spec = signer.signature(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8))
        #expect(spec == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        let unicode = signer.signature(
            id: "msg_2", timestamp: 1_700_000_000, body: Array(#"{"type":"order.created","data":{"id":"ü"}}"#.utf8))
        #expect(unicode == "v1,qdGjjxFFMnMjN3zxd12WXOaJQ5an1f9Beaf49sSs3+g=")
        let headers = signer.headers(id: "msg_2", timestamp: 1_700_000_000, body: [])
        #expect(headers.map(\.name) == ["webhook-id", "webhook-timestamp", "webhook-signature"])
        #expect(headers[1].value == "1700000000")
    }

    @Test func verificationChecksSignatureBodyAndTime() throws {
        let signer = try StandardWebhookSigner(secret: StandardWebhookSigner.generateSecret())
        let body = Array(#"{"a":1}"#.utf8)
        let good = signer.signature(id: "m1", timestamp: 1_000, body: body)
        #expect(signer.verify(id: "m1", timestamp: 1_000, body: body, signatures: "v1,bm90IGl0 " + good, now: 1_100))
        #expect(!signer.verify(id: "m1", timestamp: 1_000, body: Array(#"{"a":2}"#.utf8), signatures: good, now: 1_100))
        #expect(!signer.verify(id: "m2", timestamp: 1_000, body: body, signatures: good, now: 1_100))
        #expect(!signer.verify(id: "m1", timestamp: 1_000, body: body, signatures: good, now: 1_400))
        let other = try StandardWebhookSigner(secret: StandardWebhookSigner.generateSecret())
        #expect(!other.verify(id: "m1", timestamp: 1_000, body: body, signatures: good, now: 1_100))
    }

    @Test func badSecretsSayWhatIsExpected() {
        #expect(throws: StandardWebhookSigner.SecretError.missingPrefix) { try StandardWebhookSigner(secret: "abc") }
        #expect(throws: StandardWebhookSigner.SecretError.notBase64) { try StandardWebhookSigner(secret: "whsec_@@@") }
        #expect(throws: StandardWebhookSigner.SecretError.wrongLength(3)) { try StandardWebhookSigner(secret: "whsec_YWJj") }
        #expect(StandardWebhookSigner.generateSecret().hasPrefix("whsec_"))
    }
}

@Suite struct OutboundAddressPolicyTests {
    @Test(arguments: [
        ("127.0.0.1", OutboundAddressPolicy.Refusal.loopback), ("localhost", .localName), ("api.localhost", .localName),
        ("LOCALHOST.", .localName), ("10.1.2.3", .privateNetwork), ("172.31.255.255", .privateNetwork),
        ("192.168.0.10", .privateNetwork), ("169.254.169.254", .cloudMetadata), ("169.254.10.1", .linkLocal),
        ("metadata.google.internal", .cloudMetadata), ("100.64.0.1", .sharedAddressSpace), ("0.0.0.0", .unspecified),
        ("224.0.0.1", .multicast), ("255.255.255.255", .reserved), ("2130706433", .loopback), ("0x7f.1", .loopback),
        ("017700000001", .loopback), ("::1", .loopback), ("[::1]", .loopback), ("::", .unspecified),
        ("::ffff:127.0.0.1", .loopback), ("::ffff:10.0.0.1", .privateNetwork), ("fd00:ec2::254", .cloudMetadata),
        ("fc00::1", .privateNetwork), ("fe80::1", .linkLocal), ("ff02::1", .multicast), ("64:ff9b::a00:1", .privateNetwork),
    ])
    func refusedHosts(host: String, reason: OutboundAddressPolicy.Refusal) {
        #expect(OutboundAddressPolicy.refusal(forHost: host) == reason)
    }

    @Test(arguments: [
        "8.8.8.8", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2606:4700:4700::1111", "hooks.example.com", "shop.myshopify.com",
    ])
    func allowedHosts(host: String) {
        #expect(OutboundAddressPolicy.refusal(forHost: host) == nil)
    }
}
