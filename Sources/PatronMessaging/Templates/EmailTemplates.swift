import Foundation
import Mustache
import PatronCore

/// A rendered email body and subject, before it becomes MIME.
public struct RenderedEmail: Sendable, Equatable {
    public var subject: String
    public var html: String
    public var text: String
}

/// The Mustache templates messages are written in. Each message template is three files:
/// `NAME.subject`, `NAME.html` (which fills the `layout` parent's `body` block) and `NAME.txt`; the
/// text ones declare `{{% CONTENT_TYPE: TEXT}}` so nothing is HTML-escaped there. Values are escaped
/// in HTML by default, so merchant and shopper input cannot add markup.
public struct EmailTemplates: Sendable {
    let library: MustacheLibrary
    /// Every registered template, partials included.
    public let names: Set<String>

    public struct TemplateError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The templates shipped with Patron.
    public static func builtIn() throws -> EmailTemplates {
        guard let directory = Bundle.module.resourceURL?.appendingPathComponent("templates") else {
            throw TemplateError(description: "the built-in templates are missing from the bundle")
        }
        return try EmailTemplates(directory: directory)
    }

    public init(directory: URL) throws {
        var library = MustacheLibrary()
        var names: Set<String> = []
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        for file in files where file.pathExtension == "mustache" {
            let name = file.deletingPathExtension().lastPathComponent
            names.insert(name)
            do {
                library.register(try MustacheTemplate(string: try String(contentsOf: file, encoding: .utf8)), named: name)
            } catch {
                throw TemplateError(description: "template \(name) does not parse: \(error)")
            }
        }
        self.library = library
        self.names = names
    }

    public init(templates: [String: String]) throws {
        var library = MustacheLibrary()
        for (name, text) in templates { library.register(try MustacheTemplate(string: text), named: name) }
        self.library = library
        self.names = Set(templates.keys)
    }

    public func has(_ name: String) -> Bool { library.getTemplate(named: "\(name).html") != nil }

    /// Renders `NAME.subject`, `NAME.html` and `NAME.txt` with `scope`. The subject is one line: runs of
    /// white space (line breaks included) become one space, so no value can break the header.
    public func render(_ name: String, scope: JSONValue) throws -> RenderedEmail {
        let object = Self.mustacheObject(scope)
        guard let subject = library.render(object, withTemplate: "\(name).subject"),
            let html = library.render(object, withTemplate: "\(name).html"),
            let text = library.render(object, withTemplate: "\(name).txt")
        else { throw TemplateError(description: "no template named \(name) (needs .subject, .html and .txt)") }
        let oneLine = subject.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return RenderedEmail(subject: String(oneLine.prefix(200)), html: html, text: Self.tidyText(text))
    }

    /// A text-only template (`NAME.sms`): trimmed, at most 1,600 characters (ten SMS segments).
    public func renderText(_ name: String, scope: JSONValue) throws -> String {
        guard let text = library.render(Self.mustacheObject(scope), withTemplate: name) else {
            throw TemplateError(description: "no template named \(name)")
        }
        return String(Self.tidyText(text).trimmingCharacters(in: .whitespacesAndNewlines).prefix(1_600))
    }

    /// Text bodies keep at most one empty line in a row (sections that render nothing leave gaps).
    static func tidyText(_ text: String) -> String {
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingSuffix(while: { $0 == " " || $0 == "\r" })
            if trimmed.isEmpty && (lines.last?.isEmpty ?? true) { continue }
            lines.append(trimmed)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    /// JSON as the Foundation values Mustache walks: objects become dictionaries, null is absent.
    static func mustacheObject(_ value: JSONValue) -> Any {
        switch value {
        case .null: return Optional<String>.none as Any
        case .bool(let flag): return flag
        case .int(let number): return number
        case .double(let number): return number
        case .string(let text): return text
        case .array(let items): return items.map(mustacheObject)
        case .object(let members):
            var dictionary: [String: Any] = [:]
            for (key, member) in members where !member.isNull { dictionary[key] = mustacheObject(member) }
            return dictionary
        }
    }
}

extension Substring {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[startIndex..<end]
    }
}
