import Crypto
import CryptoExtras
import Foundation

/// DKIM signatures (RFC 6376): RSA-SHA256 with relaxed/relaxed canonicalisation, signing the
/// identity, content and unsubscribe headers, so a relay cannot alter them without breaking the signature.
public struct DKIMSigner: Sendable {
    public let domain: String
    public let selector: String
    let key: _RSA.Signing.PrivateKey

    /// Header fields signed when present, in this order.
    public static let signedHeaderNames = [
        "from", "to", "reply-to", "subject", "date", "message-id", "list-unsubscribe", "list-unsubscribe-post",
        "mime-version", "content-type",
    ]

    public struct InvalidKey: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "the DKIM private key cannot be used: \(reason)" }
    }

    /// `privateKeyPEM` is a PKCS#1 or PKCS#8 RSA key of at least 1024 bits.
    public init(domain: String, selector: String, privateKeyPEM: String) throws {
        guard !domain.isEmpty, !selector.isEmpty,
            (domain + selector).allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" })
        else { throw InvalidKey(reason: "the domain and selector must be DNS labels") }
        self.domain = domain
        self.selector = selector
        do {
            self.key = try _RSA.Signing.PrivateKey(unsafePEMRepresentation: privateKeyPEM)
        } catch {
            throw InvalidKey(reason: "not an RSA private key in PEM form (\(error))")
        }
        guard key.keySizeInBits >= 1024 else { throw InvalidKey(reason: "the key has \(key.keySizeInBits) bits; use 2048") }
    }

    /// The document with a `DKIM-Signature` header added at the top.
    public func sign(_ document: MIMEDocument, at time: Date) throws -> MIMEDocument {
        let present = Set(document.headers.map { $0.name.lowercased() })
        let names = Self.signedHeaderNames.filter(present.contains)
        let bodyHash = Data(SHA256.hash(data: Data(Self.relaxedBody(document.body).utf8))).base64EncodedString()
        let tags = [
            "v=1", "a=rsa-sha256", "c=relaxed/relaxed", "d=\(domain)", "s=\(selector)",
            "t=\(Int64(time.timeIntervalSince1970))", "h=\(names.joined(separator: ":"))", "bh=\(bodyHash)", "b=",
        ]
        let unsigned = tags.joined(separator: ";\r\n\t")
        var signedText = ""
        for name in names {
            if let value = document.value(of: name) { signedText += Self.relaxedHeader(name: name, value: value) + "\r\n" }
        }
        signedText += Self.relaxedHeader(name: "DKIM-Signature", value: unsigned)
        let signature = try key.signature(for: SHA256.hash(data: Data(signedText.utf8)), padding: .insecurePKCS1v1_5)
        var signed = document
        signed.headers.insert(
            ("DKIM-Signature", unsigned + signature.rawRepresentation.base64EncodedString()), at: 0)
        return signed
    }

    /// The DNS TXT record value that publishes this key: `v=DKIM1; k=rsa; p=...`.
    public var dnsRecord: String {
        "v=DKIM1; k=rsa; p=" + key.publicKey.derRepresentation.base64EncodedString()
    }

    /// Relaxed header canonicalisation: lower-case name, unfolded value, runs of white space as one
    /// space, no white space around the colon or at the end.
    static func relaxedHeader(name: String, value: String) -> String {
        let unfolded = value.replacingOccurrences(of: "\r\n", with: "")
        return name.lowercased() + ":" + collapseWhiteSpace(unfolded).trimmingCharacters(in: [" "])
    }

    /// Relaxed body canonicalisation: white space runs as one space, none at line ends, no empty lines at
    /// the end, and a final CRLF unless the body is empty.
    static func relaxedBody(_ body: String) -> String {
        var lines = body.components(separatedBy: "\r\n").map { line in
            var collapsed = collapseWhiteSpace(line)
            while collapsed.hasSuffix(" ") { collapsed.removeLast() }
            return collapsed
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines.isEmpty ? "" : lines.joined(separator: "\r\n") + "\r\n"
    }

    static func collapseWhiteSpace(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var inWhiteSpace = false
        for scalar in text.unicodeScalars {
            if scalar == " " || scalar == "\t" {
                if !inWhiteSpace { result.append(" ") }
                inWhiteSpace = true
            } else {
                result.unicodeScalars.append(scalar)
                inWhiteSpace = false
            }
        }
        return result
    }
}
