import Foundation
import Hummingbird
import NIOCore
import PatronAnalytics
import PatronCore
import PatronEngine
import PatronStore
import SQLKit

/// RFM and segments: the RFM grid as a heat map, segment sizes and how they moved since the refresh
/// before, saved segments with the rule editor, a live check of a rule, members and their CSV.
extension DashboardController {
    /// Shown beside the editor; a test checks that each one parses.
    static let ruleExamples = [
        "rfm.segment in [\"At Risk\", \"Can't Lose Them\"] and orders.count >= 2 and consent.email",
        "did \"Product Viewed\" in last 7d and not did \"Order Completed\" in last 7d",
        "predicted_clv >= 500 and p_alive > 0.5", "churn_risk == \"high\" and days_since_last_order > 60",
        "tags contains any [\"vip\", \"wholesale\"]",
    ]

    func segments(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.session()
        let store = session.storeID
        let (run, previous, saved) = try await database.read { sql in
            let runs = AnalyticsRunRepository(sql: sql, storeID: store)
            let run = try await runs.latestSucceeded()
            var previous: AnalyticsRun?
            if let run { previous = try await runs.succeeded(before: run.id) }
            return (run, previous, try await SegmentRepository(sql: sql, storeID: store).list())
        }
        var values: [String: Any] = [
            "saved": saved.map { segment -> [String: Any] in
                [
                    "id": segment.id, "name": segment.name, "description": segment.description ?? "", "rule": segment.rule,
                    "members": segment.memberCount.map(DisplayFormat.number) ?? "not computed yet",
                    "refreshed": DisplayFormat.dateTime(milliseconds: segment.refreshedAt),
                ]
            },
            "hasSaved": !saved.isEmpty,
        ]
        if let run, let rfm = run.summary?["rfm"] {
            let currency = run.currency
            let cells = rfm["cells"]?.arrayValue ?? []
            let maximum = cells.compactMap { $0["customers"]?.doubleValue }.max() ?? 0
            func gridCell(r: Int, f: Int) -> [String: Any] {
                let cell = cells.first { $0["r"]?.doubleValue == Double(r) && $0["f"]?.doubleValue == Double(f) }
                let customers = cell?["customers"]?.doubleValue ?? 0
                let revenue = cell?["revenue"]?.doubleValue ?? 0
                return [
                    "customers": DisplayFormat.number(Int64(customers)),
                    "revenue": DisplayFormat.money(revenue, currency: currency),
                    "heat": SVGChart.heat(customers, maximum: maximum), "f": f,
                ]
            }
            values["grid"] = [5, 4, 3, 2, 1].map { r -> [String: Any] in
                ["r": r, "cells": [1, 2, 3, 4, 5].map { gridCell(r: r, f: $0) }]
            }
            let before = Dictionary(
                (previous?.summary?["rfm"]?["segments"]?.arrayValue ?? []).compactMap { item -> (String, Double)? in
                    guard let name = item["segment"]?.stringValue else { return nil }
                    return (name, item["customers"]?.doubleValue ?? 0)
                }, uniquingKeysWith: { first, _ in first })
            let segmentItems: [JSONValue] = rfm["segments"]?.arrayValue ?? []
            values["rfmSegments"] = segmentItems.map { item -> [String: Any] in
                let name = item["segment"]?.stringValue ?? ""
                let customers = item["customers"]?.doubleValue ?? 0
                var row: [String: Any] = [
                    "name": name, "customers": DisplayFormat.number(Int64(customers)),
                    "revenue": DisplayFormat.money(item["revenue"]?.doubleValue ?? 0, currency: currency),
                    "href": "/app/customers?segment=" + Self.encode("rfm:\(name)"), "movement": "–", "direction": "flat",
                ]
                if let old = before[name] {
                    let change = Int64(customers - old)
                    row["movement"] = change == 0 ? "no change" : (change > 0 ? "+" : "−") + DisplayFormat.number(abs(change))
                    row["direction"] = change > 0 ? "up" : change < 0 ? "down" : "flat"
                }
                return row
            }
            values["hasRFM"] = true
            values["comparedTo"] = previous.map { DisplayFormat.dateTime(milliseconds: $0.finishedAt ?? $0.startedAt) } ?? ""
            values["computedAt"] = DisplayFormat.dateTime(milliseconds: run.finishedAt ?? run.startedAt)
        }
        return try view.page(
            "segments", title: "RFM and segments", section: .segments, session: session, request: request, values: values)
    }

    func segmentEditor(
        _ request: Request, _ context: PatronRequestContext, id: Int64?, name: String? = nil, description: String? = nil,
        rule: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let session = try context.session()
        let store = session.storeID
        var values: [String: Any] = [
            "isNew": id == nil, "action": id.map { "/app/segments/\($0)" } ?? "/app/segments",
            "name": name ?? "", "description": description ?? "", "rule": rule ?? "",
            "examples": Self.ruleExamples,
        ]
        if let id {
            let after = Int64(request.uri.queryParameters["after"].map(String.init) ?? "") ?? 0
            let loaded = try await database.read { sql -> (SegmentRecord, [Int64], String?)? in
                let segments = SegmentRepository(sql: sql, storeID: store)
                guard let segment = try await segments.find(id: id) else { return nil }
                let members = try await segments.members(segment: id, after: after, limit: CustomerList.pageSize + 1)
                let currency = try await AnalyticsRunRepository(sql: sql, storeID: store).latestSucceeded()?.currency
                return (segment, members, currency)
            }
            guard let (segment, members, currency) = loaded else { throw Problem.notFound("This store has no segment \(id).") }
            let page = Array(members.prefix(CustomerList.pageSize))
            let rows = try await database.read { try await CustomerList(sql: $0, store: store).rows(page) }
            values["name"] = name ?? segment.name
            values["description"] = description ?? segment.description ?? ""
            values["rule"] = rule ?? segment.rule
            values["id"] = id
            values["memberCount"] = segment.memberCount.map(DisplayFormat.number) ?? "not computed yet"
            values["refreshed"] = DisplayFormat.dateTime(milliseconds: segment.refreshedAt)
            values["members"] = rows.map { row -> [String: Any] in
                [
                    "id": row.id, "name": row.name.isEmpty ? (row.email ?? "Customer \(row.id)") : row.name,
                    "email": row.email ?? "", "orders": row.orders.map(DisplayFormat.number) ?? "0",
                    "revenue": row.revenue.map { DisplayFormat.minor($0, currency: currency) } ?? "–",
                    "segment": row.segment ?? "–",
                ]
            }
            values["hasMembers"] = !rows.isEmpty
            values["next"] = members.count > CustomerList.pageSize ? "/app/segments/\(id)?after=\(page.last ?? 0)" : ""
            values["hasNext"] = members.count > CustomerList.pageSize
        }
        let title = id == nil ? "New segment" : "Segment: \(values["name"] as? String ?? "")"
        return try view.page(
            "segment", title: title, section: .segments, session: session, request: request, values: values, error: error,
            status: status)
    }

    func saveSegment(_ request: Request, _ context: PatronRequestContext, id: Int64?) async throws -> Response {
        let session = try context.require(.owner, .marketer)
        let name = (context.form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let description = (context.form["description"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let rule = context.form["rule"] ?? ""
        func refuse(_ message: String) async throws -> Response {
            try await segmentEditor(
                request, context, id: id, name: name, description: description, rule: rule, error: message,
                status: .unprocessableContent)
        }
        if name.isEmpty || name.count > 200 { return try await refuse("Name: expected 1 to 200 characters.") }
        if description.count > 2_000 { return try await refuse("Description: expected at most 2,000 characters.") }
        if rule.count > SegmentRuleLimits.maximumLength {
            return try await refuse("Rule: expected at most \(SegmentRuleLimits.maximumLength) characters.")
        }
        do {
            _ = try SegmentRule.parse(rule)
        } catch {
            return try await refuse("Rule: \(error.description) (at character \(error.position)).")
        }
        let now = self.now
        do {
            let saved = try await database.write(store: session.storeID) { sql -> SegmentRecord? in
                let segments = SegmentRepository(sql: sql, storeID: session.storeID)
                if let id {
                    return try await segments.update(
                        id: id, name: name, description: .some(description.isEmpty ? nil : description), rule: rule, now: now)
                }
                return try await segments.create(
                    name: name, description: description.isEmpty ? nil : description, rule: rule, now: now)
            }
            guard let saved else { throw Problem.notFound("This store has no segment \(id ?? 0).") }
            refreshInBackground(store: session.storeID)
            return DashboardView.redirect("/app/segments/\(saved.id)?notice=saved")
        } catch SegmentRepository.SaveError.nameTaken {
            return try await refuse("Name: another segment of this store is already called \"\(name)\".")
        }
    }

    /// The live check behind the editor: the rule's first error, or how many customers match now.
    func checkSegment(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.session()
        let body = try await request.rawBody(limit: 65_536)
        guard let document = try? JSONParser.parse(bytes: body), let rule = document["rule"]?.stringValue else {
            return Response.json(
                ["valid": false, "errors": [["field": "rule", "message": "expected a JSON object with a rule string"]]])
        }
        guard rule.count <= SegmentRuleLimits.maximumLength else {
            return Response.json(
                [
                    "valid": false,
                    "errors": [
                        ["field": "rule", "message": .string("expected at most \(SegmentRuleLimits.maximumLength) characters")]
                    ],
                ])
        }
        let parsed: SegmentRule
        do {
            parsed = try SegmentRule.parse(rule)
        } catch {
            return Response.json([
                "valid": false,
                "errors": [["field": "rule", "message": .string("\(error.description) (at character \(error.position))")]],
            ])
        }
        let members = try await SegmentEvaluator(database: database, store: session.storeID, clock: clock).members(parsed)
        return Response.json(["valid": true, "count": .int(Int64(members.count))])
    }

    func deleteSegment(_ context: PatronRequestContext, id: Int64) async throws -> Response {
        let session = try context.require(.owner, .marketer)
        let deleted = try await database.write(store: session.storeID) {
            try await SegmentRepository(sql: $0, storeID: session.storeID).delete(id: id)
        }
        guard deleted else { throw Problem.notFound("This store has no segment \(id).") }
        return DashboardView.redirect("/app/segments?notice=deleted")
    }

    /// Every member with contact details and metrics, streamed in pages of 1,000.
    func exportSegment(_ context: PatronRequestContext, id: Int64) async throws -> Response {
        let session = try context.session()
        let store = session.storeID
        guard let segment = try await database.read({ try await SegmentRepository(sql: $0, storeID: store).find(id: id) }) else {
            throw Problem.notFound("This store has no segment \(id).")
        }
        let database = self.database
        let body = ResponseBody { writer in
            try await writer.write(
                ByteBuffer(string: "customer_id,external_id,email,first_name,last_name,orders,revenue,rfm_segment\r\n"))
            var after: Int64 = 0
            while true {
                let lines = try await database.read { sql -> (String, Int64?) in
                    let ids = try await SegmentRepository(sql: sql, storeID: store).members(
                        segment: id, after: after, limit: 1_000)
                    guard !ids.isEmpty else { return ("", nil) }
                    var text = ""
                    for row in try await sql.raw(
                        """
                        SELECT c.id, c.external_id, c.email, c.first_name, c.last_name, m.orders_count, m.revenue, m.rfm_segment
                        FROM customers c LEFT JOIN customer_metrics m ON m.store_id = c.store_id AND m.customer_id = c.id
                        WHERE c.store_id = \(bind: store) AND c.id IN (\(binds: ids)) ORDER BY c.id
                        """
                    ).all() {
                        let fields = [
                            String(try row.int("id")), try row.text("external_id") ?? "", try row.text("email") ?? "",
                            try row.text("first_name") ?? "", try row.text("last_name") ?? "",
                            try row.optionalInt("orders_count").map(String.init) ?? "",
                            try row.optionalInt("revenue").map(String.init) ?? "", try row.text("rfm_segment") ?? "",
                        ]
                        text += fields.map(CSVField.escape).joined(separator: ",") + "\r\n"
                    }
                    return (text, ids.last)
                }
                guard let last = lines.1 else { break }
                try await writer.write(ByteBuffer(string: lines.0))
                after = last
            }
            try await writer.finish(nil)
        }
        let filename = segment.name.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? String($0) : "-" }.joined()
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"segment-\(filename.prefix(60)).csv\"",
            ], body: body)
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break; a leading =, +, - or @ is
/// prefixed with an apostrophe so a spreadsheet never runs it as a formula.
enum CSVField {
    static func escape(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
