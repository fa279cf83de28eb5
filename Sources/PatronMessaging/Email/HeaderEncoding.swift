import Foundation

/// Header values as RFC 5322 allows them: printable ASCII kept as is, anything else as RFC 2047
/// encoded words (UTF-8, base64), unless the relay takes UTF-8 headers (RFC 6531), in which case
/// UTF-8 passes through. Line breaks are never allowed into a value.
public enum HeaderEncoding {
    /// Rejects CR and LF so no value can start a header of its own.
    public static func checked(_ value: String, field: String) throws -> String {
        if value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) { throw HeaderInjection(field: field) }
        return value
    }

    /// An unstructured value (Subject): encoded words when it is not plain ASCII.
    public static func unstructured(_ value: String, utf8Allowed: Bool) -> String {
        if utf8Allowed || isPlainASCII(value) { return value }
        return encodedWords(value)
    }

    /// `"Display Name" <address>` or just `<address>`; a non-ASCII name becomes encoded words.
    public static func mailbox(_ mailbox: Mailbox, utf8Allowed: Bool) -> String {
        guard let name = mailbox.name, !name.isEmpty else { return "<\(mailbox.address)>" }
        if !utf8Allowed && !isPlainASCII(name) { return "\(encodedWords(name)) <\(mailbox.address)>" }
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\" <\(mailbox.address)>"
    }

    static func isPlainASCII(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// RFC 2047 "B" encoded words of at most 75 characters each, split on character boundaries so no
    /// UTF-8 sequence is cut, separated by folding white space.
    static func encodedWords(_ value: String) -> String {
        let maximumBytesPerWord = 45  // base64 of 45 bytes is 60 characters, plus "=?UTF-8?B??=" = 72
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in value {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > maximumBytesPerWord, !chunk.isEmpty {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk.removeAll()
            }
            chunk.append(contentsOf: bytes)
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }
}
