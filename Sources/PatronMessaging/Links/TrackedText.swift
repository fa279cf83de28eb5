import Foundation

/// Click tracking in a text message: every http(s) URL (up to the next white space) becomes a signed
/// redirect through Patron.
public enum TrackedText {
    public static func rewrite(_ text: String, track: (String) -> String) -> String {
        var output = ""
        var rest = text[...]
        while let start = rest.range(of: "http") {
            output += rest[..<start.lowerBound]
            let candidate = rest[start.lowerBound...]
            let end = candidate.firstIndex(where: { $0.isWhitespace }) ?? candidate.endIndex
            var url = String(candidate[..<end])
            var trailing = ""
            while let last = url.last, ".,;:!?)".contains(last) {
                trailing = String(last) + trailing
                url.removeLast()
            }
            if url.hasPrefix("https://") || url.hasPrefix("http://") {
                output += track(url) + trailing
            } else {
                output += url + trailing
            }
            rest = candidate[end...]
        }
        return output + rest
    }
}
