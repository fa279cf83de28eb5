import Crypto
import Foundation

/// An email as header fields (in order) and a body of CRLF lines, before and after DKIM signing.
public struct MIMEDocument: Sendable {
    public var headers: [(name: String, value: String)]
    public var body: String

    /// The wire form: header lines, an empty line, the body; CRLF throughout.
    public var rendered: String {
        headers.map { "\($0.name): \($0.value)\r\n" }.joined() + "\r\n" + body
    }

    public func value(of name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

extension EmailMessage {
    /// Builds the document: From, To, Subject, Date, Message-ID, MIME headers, the unsubscribe headers on
    /// marketing mail, and a multipart/alternative body (plain text first, HTML preferred). Every value is
    /// checked for line breaks; `utf8Allowed` says the relay accepted SMTPUTF8, so headers may carry
    /// UTF-8 instead of encoded words.
    public func document(utf8Allowed: Bool) throws -> MIMEDocument {
        var headers: [(String, String)] = []
        func add(_ name: String, _ value: String) throws {
            headers.append((name, try HeaderEncoding.checked(value, field: name)))
        }
        for (field, mailbox) in [("From", from), ("To", to), ("Reply-To", replyTo)] {
            _ = try HeaderEncoding.checked((mailbox?.name ?? "") + (mailbox?.address ?? ""), field: field)
        }
        try add("From", HeaderEncoding.mailbox(from, utf8Allowed: utf8Allowed))
        try add("To", HeaderEncoding.mailbox(to, utf8Allowed: utf8Allowed))
        if let replyTo { try add("Reply-To", HeaderEncoding.mailbox(replyTo, utf8Allowed: utf8Allowed)) }
        _ = try HeaderEncoding.checked(subject, field: "Subject")
        headers.append(("Subject", HeaderEncoding.unstructured(subject, utf8Allowed: utf8Allowed)))
        try add("Date", Self.rfc5322Date(date))
        try add("Message-ID", "<\(messageId)>")
        if let unsubscribeURL {
            try add("List-Unsubscribe", "<\(unsubscribeURL)>")
            try add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
        }
        for header in extraHeaders { try add(header.name, header.value) }
        let boundary = "=_patron_" + Self.boundaryToken(messageId)
        try add("MIME-Version", "1.0")
        try add("Content-Type", "multipart/alternative; boundary=\"\(boundary)\"")
        let body = [
            "--\(boundary)", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "",
            Self.base64Lines(text), "--\(boundary)", "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: base64", "", Self.base64Lines(html), "--\(boundary)--", "",
        ].joined(separator: "\r\n")
        return MIMEDocument(headers: headers, body: body)
    }

    /// Base64 of the text with CRLF line ends, in lines of 76 characters.
    static func base64Lines(_ content: String) -> String {
        let normalised = content.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        let encoded = Data(normalised.utf8).base64EncodedString()
        var lines: [Substring] = []
        var start = encoded.startIndex
        while start < encoded.endIndex {
            let end = encoded.index(start, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(encoded[start..<end])
            start = end
        }
        return lines.joined(separator: "\r\n")
    }

    /// A boundary that cannot occur in base64 content (it has "=_") and is the same for the same message.
    static func boundaryToken(_ seed: String) -> String {
        SHA256.hash(data: Data(seed.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
