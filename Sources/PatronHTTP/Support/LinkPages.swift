import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The small pages behind message links: plain, readable on a phone, no scripts.
enum LinkPages {
    static let topics: [(String, String)] = [
        ("offers", "Offers and birthday treats"), ("reminders", "Reminders about your cart and things you looked at"),
        ("updates", "News and tips from the shop"),
    ]

    static func html(title: String, body: String) -> Response {
        let page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex"><title>\(escape(title))</title>
            <style>
            body{margin:0;background:#f4f4f1;color:#1d2320;font:16px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif}
            main{max-width:520px;margin:48px auto;background:#fff;padding:28px;border-radius:8px}
            h1{font-size:22px;margin:0 0 12px}label{display:block;margin:10px 0}fieldset{border:1px solid #ddd;border-radius:6px;margin:14px 0}
            button{background:#1f6f5c;color:#fff;border:0;border-radius:6px;padding:12px 22px;font-size:16px;font-weight:600;cursor:pointer}
            </style></head><body><main>
            \(body)
            </main></body></html>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }

    /// An `application/x-www-form-urlencoded` body.
    static func form(_ bytes: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: bytes, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if let key = parts.first, !key.isEmpty { fields[key] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }
}
