import CryptoExtras
import Foundation
import Testing

@testable import PatronMessaging

@Suite struct DKIMSignerTests {
    /// The worked example of RFC 6376 section 3.4.5.
    @Test func relaxedCanonicalisationMatchesTheRFCExample() {
        #expect(DKIMSigner.relaxedHeader(name: "A", value: " X") == "a:X")
        #expect(DKIMSigner.relaxedHeader(name: "B", value: " Y\t\r\n\tZ  ") == "b:Y Z")
        #expect(DKIMSigner.relaxedBody(" C \r\nD \t E\r\n\r\n\r\n") == " C\r\nD E\r\n")
        #expect(DKIMSigner.relaxedBody("") == "")
        #expect(DKIMSigner.relaxedBody("\r\n\r\n") == "")
        #expect(DKIMSigner.relaxedBody("no newline") == "no newline\r\n")
    }

    @Test func signatureCoversTheListedHeadersAndVerifiesWithThePublicKey() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let signer = try DKIMSigner(domain: "acme.test", selector: "s1", privateKeyPEM: key.pemRepresentation)
        var message = EmailMessage(
            from: Mailbox(address: "shop@acme.test"), to: Mailbox(address: "jane@example.com"), subject: "Hello",
            text: "Hi", html: "<p>Hi</p>", messageId: "m1@acme.test", date: Date(timeIntervalSince1970: 1_795_000_000))
        message.unsubscribeURL = "https://patron.example/u/x"
        let signed = try signer.sign(try message.document(utf8Allowed: false), at: message.date)
        #expect(signed.headers.first?.name == "DKIM-Signature")
        let value = try #require(signed.value(of: "DKIM-Signature"))
        let tags = Self.tags(value)
        #expect(tags["d"] == "acme.test" && tags["s"] == "s1" && tags["a"] == "rsa-sha256" && tags["c"] == "relaxed/relaxed")
        #expect(
            tags["h"]
                == "from:to:subject:date:message-id:list-unsubscribe:list-unsubscribe-post:mime-version:content-type")
        #expect(signer.dnsRecord.hasPrefix("v=DKIM1; k=rsa; p="))

        // Recompute what was signed, as a verifier does, and check the RSA signature with the public key.
        let unsignedValue = value.replacingOccurrences(of: tags["b"] ?? "", with: "")
        var text = ""
        for name in (tags["h"] ?? "").split(separator: ":") {
            text += DKIMSigner.relaxedHeader(name: String(name), value: try #require(signed.value(of: String(name)))) + "\r\n"
        }
        text += DKIMSigner.relaxedHeader(name: "DKIM-Signature", value: unsignedValue)
        let signature = _RSA.Signing.RSASignature(rawRepresentation: try #require(Data(base64Encoded: tags["b"] ?? "")))
        #expect(key.publicKey.isValidSignature(signature, for: Data(text.utf8), padding: .insecurePKCS1v1_5))
        let tampered = text.replacingOccurrences(of: "subject:Hello", with: "subject:Hello!")
        #expect(!key.publicKey.isValidSignature(signature, for: Data(tampered.utf8), padding: .insecurePKCS1v1_5))
    }

    @Test func refusesUnusableKeysAndNames() throws {
        #expect(throws: DKIMSigner.InvalidKey.self) {
            try DKIMSigner(domain: "acme.test", selector: "s1", privateKeyPEM: "not a key")
        }
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        #expect(throws: DKIMSigner.InvalidKey.self) {
            try DKIMSigner(domain: "acme.test; x=1", selector: "s1", privateKeyPEM: key.pemRepresentation)
        }
    }

    static func tags(_ value: String) -> [String: String] {
        var tags: [String: String] = [:]
        for part in value.replacingOccurrences(of: "\r\n\t", with: "").split(separator: ";") {
            let pieces = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pieces.count == 2 {
                tags[String(pieces[0])] = String(pieces[1])
            } else if pieces.count == 1 {
                tags[String(pieces[0])] = ""
            }
        }
        return tags
    }
}
