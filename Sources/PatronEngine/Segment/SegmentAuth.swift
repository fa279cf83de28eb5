import Foundation
import PatronCore

/// Finds a Segment write key the way Segment's libraries send it.
public enum SegmentAuth {
    /// HTTP Basic with the write key as user name and an empty password (`Basic base64("key:")`),
    /// else a `writeKey` member of the body (what analytics-python 2.x sends when not using OAuth).
    public static func writeKey(authorizationHeader: String?, body: JSONValue?) -> String? {
        if let header = authorizationHeader, let key = basicUser(header) { return key }
        guard let text = body?["writeKey"]?.stringValue else { return nil }
        let key = text.trimmingCharacters(in: .whitespaces)
        return key.isEmpty ? nil : key
    }

    static func basicUser(_ header: String) -> String? {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " "), trimmed[..<space].lowercased() == "basic" else { return nil }
        var encoded = trimmed[trimmed.index(after: space)...].trimmingCharacters(in: .whitespaces)
        // Some clients leave out the base64 padding.
        while encoded.utf8.count % 4 != 0 { encoded.append("=") }
        guard let data = Data(base64Encoded: encoded), let decoded = String(data: data, encoding: .utf8) else {
            return nil
        }
        let user = decoded.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let key = user.trimmingCharacters(in: .whitespaces)
        return key.isEmpty ? nil : key
    }
}
