import Foundation
import Mustache

/// The dashboard's Mustache templates (`Resources/dashboard/*.mustache`): one `layout` parent that
/// pages fill (`{{<layout}}{{$content}}…{{/content}}{{/layout}}`) and a template per page. Values are
/// HTML-escaped unless a template asks for `{{{raw}}}`, which only server-drawn SVG uses.
struct DashboardTemplates: Sendable {
    let library: MustacheLibrary
    let assets: [String: [UInt8]]

    struct MissingTemplate: Error, CustomStringConvertible {
        let description: String
    }

    static func builtIn() throws -> DashboardTemplates {
        guard let directory = Bundle.module.resourceURL?.appendingPathComponent("dashboard") else {
            throw MissingTemplate(description: "the dashboard templates are missing from the bundle")
        }
        var library = MustacheLibrary()
        for file in try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        where file.pathExtension == "mustache" {
            let name = file.deletingPathExtension().lastPathComponent
            do {
                library.register(try MustacheTemplate(string: try String(contentsOf: file, encoding: .utf8)), named: name)
            } catch {
                throw MissingTemplate(description: "dashboard template \(name) does not parse: \(error)")
            }
        }
        var assets: [String: [UInt8]] = [:]
        let assetDirectory = directory.appendingPathComponent("assets")
        for file in try FileManager.default.contentsOfDirectory(at: assetDirectory, includingPropertiesForKeys: nil) {
            assets[file.lastPathComponent] = Array(try Data(contentsOf: file))
        }
        return DashboardTemplates(library: library, assets: assets)
    }

    func render(_ template: String, _ values: [String: Any]) throws -> String {
        guard let html = library.render(values, withTemplate: template) else {
            throw MissingTemplate(description: "no dashboard template named \(template)")
        }
        return html
    }
}
