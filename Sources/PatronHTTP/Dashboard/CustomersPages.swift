import Foundation
import Hummingbird
import PatronCore
import PatronEngine
import PatronStore
import SQLKit

/// The customer list and a customer's profile.
extension DashboardController {
    func customers(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.session()
        let store = session.storeID
        let query = request.uri.queryParameters
        let form = DashboardView.query(request)
        let q = String((form["q"] ?? "").prefix(200))
        let sortText = query["sort"].map(String.init) ?? CustomerList.Sort.lastOrder.rawValue
        guard let sort = CustomerList.Sort(rawValue: sortText) else {
            throw Problem.validation(
                ValidationFailure(
                    field: "sort",
                    message: "expected one of \(CustomerList.Sort.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        let segmentText = form["segment"] ?? ""
        let filter: CustomerList.Filter =
            if segmentText.hasPrefix("rfm:") {
                .rfm(String(segmentText.dropFirst(4)))
            } else if segmentText.hasPrefix("saved:"),
                let id = Int64(segmentText.dropFirst(6))
            { .saved(id) } else { .none }
        let after = query["after"].map(String.init)
        let (rows, next, segments, currency, rfmNames) = try await database.read { sql in
            let list = CustomerList(sql: sql, store: store)
            let (ids, next) =
                q.isEmpty
                ? try await list.page(sort: sort, filter: filter, after: after) : (try await list.search(q, filter: filter), nil)
            let saved = try await SegmentRepository(sql: sql, storeID: store).list()
            let run = try await AnalyticsRunRepository(sql: sql, storeID: store).latestSucceeded()
            let rfm = run?.summary?["rfm"]?["segments"]?.arrayValue?.compactMap { $0["segment"]?.stringValue } ?? []
            return (try await list.rows(ids), next, saved, run?.currency, rfm)
        }
        var options: [[String: Any]] = [["value": "", "label": "All customers", "selected": segmentText.isEmpty]]
        options += rfmNames.map { ["value": "rfm:\($0)", "label": "RFM: \($0)", "selected": segmentText == "rfm:\($0)"] }
        options += segments.map {
            ["value": "saved:\($0.id)", "label": "Segment: \($0.name)", "selected": segmentText == "saved:\($0.id)"]
        }
        func link(sort: CustomerList.Sort) -> String {
            var parts = ["sort=\(sort.rawValue)"]
            if !segmentText.isEmpty { parts.append("segment=\(Self.encode(segmentText))") }
            return "/app/customers?" + parts.joined(separator: "&")
        }
        let values: [String: Any] = [
            "q": q, "segmentOptions": options, "searching": !q.isEmpty,
            "sorts": CustomerList.Sort.allCases.map {
                ["label": $0.label, "href": link(sort: $0), "current": $0 == sort] as [String: Any]
            },
            "rows": rows.map { row -> [String: Any] in
                [
                    "id": row.id, "name": row.name.isEmpty ? (row.email ?? row.externalId ?? "Customer \(row.id)") : row.name,
                    "email": row.email ?? "", "externalId": row.externalId ?? "", "country": row.country ?? "",
                    "orders": row.orders.map(DisplayFormat.number) ?? "0",
                    "revenue": row.revenue.map { DisplayFormat.minor($0, currency: currency) } ?? "–",
                    "lastOrder": DisplayFormat.date(milliseconds: row.lastOrderAt), "segment": row.segment ?? "–",
                    "clv": row.clv.map { DisplayFormat.minor($0, currency: currency) } ?? "–",
                    "churn": DisplayFormat.percent(row.churn, digits: 0),
                ]
            },
            "empty": rows.isEmpty, "hasFilter": !q.isEmpty || filter != .none,
            "next": next.map { link(sort: sort) + "&after=\($0)" } ?? "", "hasNext": next != nil,
            "first": after != nil ? link(sort: sort) : "", "paged": after != nil,
            "sortLabel": sort.label,
        ]
        return try view.page(
            "customers", title: "Customers", section: .customers, session: session, request: request, values: values)
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-_.~"))) ?? ""
    }

    func customer(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.session()
        let (store, id) = (session.storeID, try pathId(context, "customer"))
        let loaded = try await database.read {
            sql -> (JSONValue, (row: CustomerMetricsRow, computedAt: Int64)?, [String], [MessageLine], String?)? in
            guard let profile = try await StoreReader(sql: sql, storeID: store).profile(id: id, timelineLimit: 80) else {
                return nil
            }
            let metrics = try await CustomerMetricsRepository(sql: sql, storeID: store).find(customerId: id)
            let segments = try await sql.raw(
                """
                SELECT s.name FROM segment_members m JOIN segments s ON s.id = m.segment_id
                WHERE m.store_id = \(bind: store) AND m.customer_id = \(bind: id) ORDER BY s.name
                """
            ).all().map { try $0.requiredText("name") }
            let messages = try await sql.raw(
                """
                SELECT id, flow, campaign_id, channel, template, status, reason, subject, created_at, sent_at FROM messages
                WHERE store_id = \(bind: store) AND customer_id = \(bind: id) ORDER BY id DESC LIMIT 30
                """
            ).all().map { row -> MessageLine in
                let at = try row.optionalInt("sent_at") ?? row.int("created_at")
                let status = try row.requiredText("status")
                return MessageLine(
                    at: at,
                    title:
                        "\(try row.requiredText("channel").uppercased()) \(status): \(try row.text("subject") ?? row.requiredText("template"))",
                    detail: [try row.text("flow").map { "flow \($0)" }, try row.text("reason")].compactMap { $0 }.joined(
                        separator: " · "),
                    id: try row.int("id"))
            }
            let currency = try await AnalyticsRunRepository(sql: sql, storeID: store).latestSucceeded()?.currency
            return (profile, metrics, segments, messages, currency)
        }
        guard let (profile, metrics, segments, messages, currency) = loaded else {
            throw Problem.notFound("This store has no customer \(id).")
        }
        let picks = try await database.read { sql in
            try await RecommendationReader(sql: sql, storeID: store, cache: recommendations).forCustomer(id, limit: 6, now: now)
        }
        let name = [profile["firstName"]?.stringValue, profile["lastName"]?.stringValue].compactMap { $0 }.joined(separator: " ")
        let stats = profile["stats"] ?? .null
        let statsCurrency = stats["currency"]?.stringValue ?? currency
        var timeline: [[String: Any]] = (profile["timeline"]?.arrayValue ?? []).map { entry in
            let at = Timestamp.parse(entry["at"]?.stringValue ?? "").map(Timestamp.milliseconds) ?? 0
            var detail = ""
            if let total = entry["data"]?["total"], case .int(let minor) = total {
                detail = DisplayFormat.minor(minor, currency: entry["data"]?["currency"]?.stringValue ?? statsCurrency)
            } else if let products = entry["data"]?["productExternalIds"]?.arrayValue, !products.isEmpty {
                detail = products.compactMap(\.stringValue).prefix(3).joined(separator: ", ")
            } else if let status = entry["data"]?["status"]?.stringValue {
                detail = status.replacingOccurrences(of: "_", with: " ")
            }
            var item: [String: Any] = [
                "at": at, "time": DisplayFormat.dateTime(milliseconds: at), "kind": entry["kind"]?.stringValue ?? "event",
                "title": entry["title"]?.stringValue ?? "", "detail": detail,
            ]
            if entry["kind"]?.stringValue == "order", let orderID = entry["id"] {
                item["orderId"] = orderID.doubleValue.map { Int64($0) } ?? 0
            }
            return item
        }
        timeline += messages.map { line -> [String: Any] in
            [
                "at": line.at, "time": DisplayFormat.dateTime(milliseconds: line.at), "kind": "message", "title": line.title,
                "detail": line.detail, "href": "/app/messages/\(line.id)",
            ]
        }
        timeline.sort { ($0["at"] as? Int64 ?? 0) > ($1["at"] as? Int64 ?? 0) }
        let consent = ["email", "sms"].map { channel -> [String: Any] in
            let state = profile["consent"]?[channel]?["state"]?.stringValue
            return [
                "channel": channel == "sms" ? "SMS" : "Email", "state": state ?? "not given",
                "badge": state == "subscribed" ? "badge-ok" : state == "unsubscribed" ? "badge-bad" : "badge-muted",
            ]
        }
        var values: [String: Any] = [
            "id": id, "name": name.isEmpty ? (profile["email"]?.stringValue ?? "Customer \(id)") : name,
            "email": profile["email"]?.stringValue ?? "", "phone": profile["phone"]?.stringValue ?? "",
            "externalId": profile["externalId"]?.stringValue ?? "", "country": profile["country"]?.stringValue ?? "",
            "timeZone": profile["timeZone"]?.stringValue ?? "", "consent": consent, "segments": segments,
            "hasSegments": !segments.isEmpty,
            "orders": DisplayFormat.number(Int64(stats["ordersCount"]?.doubleValue ?? 0)),
            "spent": DisplayFormat.minor(Int64(stats["totalSpent"]?.doubleValue ?? 0), currency: statsCurrency),
            "firstOrder": DisplayFormat.dateTime(rfc3339: stats["firstOrderAt"]?.stringValue),
            "lastOrder": DisplayFormat.dateTime(rfc3339: stats["lastOrderAt"]?.stringValue),
            "timeline": Array(timeline.prefix(100)), "hasTimeline": !timeline.isEmpty,
        ]
        if let metrics {
            let row = metrics.row
            values["scores"] =
                [
                    "rfm": row.rfm.map { "R\($0.r) F\($0.f) M\($0.m)" } ?? "–",
                    "segment": row.rfmSegment ?? "–",
                    "clv": row.predictedValue.map { DisplayFormat.minor($0, currency: currency) } ?? "–",
                    "pAlive": DisplayFormat.percent(row.probabilityAlive, digits: 0),
                    "expected": DisplayFormat.decimal(row.expectedPurchases),
                    "churn": DisplayFormat.percent(row.churnRisk, digits: 0), "churnBand": row.churnBand ?? "–",
                    "nextOrder": DisplayFormat.date(milliseconds: row.nextOrderAt),
                    "computedAt": DisplayFormat.dateTime(milliseconds: metrics.computedAt),
                ] as [String: Any]
        }
        let cards = (picks?.recommendations.items ?? []).map { item -> [String: Any] in
            [
                "title": item["title"]?.stringValue ?? "", "imageUrl": item["imageUrl"]?.stringValue ?? "",
                "hasImage": item["imageUrl"]?.stringValue != nil,
                "price": item["price"]?.doubleValue.map {
                    DisplayFormat.minor(Int64($0), currency: item["currency"]?.stringValue ?? currency)
                } ?? "",
                "reason": item["reason"]?["text"]?.stringValue ?? "", "product": item["product"]?.stringValue ?? "",
            ]
        }
        values["recommended"] = cards
        values["hasRecommended"] = !cards.isEmpty
        values["replenishment"] = (picks?.replenishment ?? []).map { item -> [String: Any] in
            [
                "title": item["title"]?.stringValue ?? "", "due": DisplayFormat.dateTime(rfc3339: item["dueAt"]?.stringValue),
                "interval": item["intervalDays"]?.doubleValue.map { "every \(Int($0)) days" } ?? "",
            ]
        }
        return try view.page(
            "customer", title: values["name"] as? String ?? "Customer", section: .customers, session: session,
            request: request, values: values)
    }
}

/// A message in a customer's timeline.
struct MessageLine: Sendable {
    var at: Int64
    var title: String
    var detail: String
    var id: Int64
}
