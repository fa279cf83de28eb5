import Foundation

/// Click tracking and the open pixel in an HTML body: every http(s) `href` becomes a signed redirect
/// through Patron (except Patron's own links), and a 1x1 image at the end of the body reports opens.
public enum TrackedHTML {
    public static func rewrite(_ html: String, keep ownPrefix: String, track: (String) -> String, pixel: String?) -> String {
        var output = ""
        output.reserveCapacity(html.utf8.count + 256)
        var rest = html[...]
        while let start = rest.range(of: "href=\"") {
            output += rest[..<start.upperBound]
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            let escaped = String(rest[..<end])
            let target = escaped.replacingOccurrences(of: "&amp;", with: "&")
            if (target.hasPrefix("https://") || target.hasPrefix("http://")) && !target.hasPrefix(ownPrefix) {
                output += track(target)
            } else {
                output += escaped
            }
            rest = rest[end...]
        }
        output += rest
        guard let pixel else { return output }
        let image = "<img src=\"\(pixel)\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0;\">"
        if let close = output.range(of: "</body>", options: .backwards) {
            output.insert(contentsOf: image, at: close.lowerBound)
        } else {
            output += image
        }
        return output
    }
}
