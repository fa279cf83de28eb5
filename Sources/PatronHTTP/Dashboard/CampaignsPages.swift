import Foundation
import Hummingbird
import PatronCore
import PatronEngine
import PatronStore

/// Campaigns: the list with status and audience, and a campaign's results.
extension DashboardController {
    func campaigns(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.session()
        let before = request.uri.queryParameters["before"].flatMap { Int64($0) }
        let (list, segments) = try await database.read { sql in
            (
                try await CampaignRepository(sql: sql, storeID: session.storeID).list(
                    limit: CustomerList.pageSize + 1, before: before),
                Dictionary(
                    uniqueKeysWithValues: try await SegmentRepository(sql: sql, storeID: session.storeID).list().map {
                        ($0.id, $0.name)
                    })
            )
        }
        let page = list.prefix(CustomerList.pageSize)
        let values: [String: Any] = [
            "rows": page.map { campaign -> [String: Any] in
                [
                    "id": campaign.id, "name": campaign.name, "status": campaign.status,
                    "badge": Self.campaignBadge(campaign.status),
                    "segment": segments[campaign.segmentId] ?? "segment \(campaign.segmentId)", "topic": campaign.topic,
                    "sendAt": DisplayFormat.dateTime(milliseconds: campaign.sendAt),
                    "recipients": campaign.recipients.map(DisplayFormat.number) ?? "–",
                ]
            },
            "empty": page.isEmpty, "hasNext": list.count > CustomerList.pageSize,
            "next": page.last.map { "/app/campaigns?before=\($0.id)" } ?? "",
        ]
        return try view.page(
            "campaigns", title: "Campaigns", section: .campaigns, session: session, request: request, values: values)
    }

    static func campaignBadge(_ status: String) -> String {
        switch status {
        case "sent": "badge-ok"
        case "sending": "badge-warn"
        case "cancelled": "badge-bad"
        default: "badge-muted"
        }
    }

    func campaign(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let session = try context.session()
        let id = try pathId(context, "campaign")
        guard let report = try await CampaignReport.report(campaign: id, store: session.storeID, database: database) else {
            throw Problem.notFound("This store has no campaign \(id).")
        }
        let currency = try await latestAnalytics(session.storeID)?.currency
        let scale = pow(10, Double(Currency(code: currency ?? "USD")?.minorDigits ?? 2))
        let attributed = report["attributed"]?.arrayValue ?? []
        let messages = report["messages"] ?? .null
        func count(_ key: String) -> String { DisplayFormat.number(Int64(messages[key]?.doubleValue ?? 0)) }
        let status = report["status"]?.stringValue ?? ""
        let values: [String: Any] = [
            "id": id, "name": report["name"]?.stringValue ?? "", "status": status, "badge": Self.campaignBadge(status),
            "subject": report["content"]?["subject"]?.stringValue ?? "", "topic": report["topic"]?.stringValue ?? "",
            "sendAt": DisplayFormat.dateTime(rfc3339: report["sendAt"]?.stringValue),
            "results": [
                [
                    "label": "Recipients",
                    "value": report["recipients"]?.doubleValue.map { DisplayFormat.number(Int64($0)) } ?? "–",
                ],
                ["label": "Sent", "value": count("sent")], ["label": "Suppressed", "value": count("suppressed")],
                ["label": "Failed", "value": count("failed")], ["label": "Opened", "value": count("opened")],
                ["label": "Clicked", "value": count("clicked")], ["label": "Unsubscribed", "value": count("unsubscribed")],
                [
                    "label": "Attributed orders",
                    "value": DisplayFormat.number(Int64(attributed.reduce(0) { $0 + ($1["orders"]?.doubleValue ?? 0) })),
                ],
                [
                    "label": "Attributed revenue",
                    "value": DisplayFormat.money(
                        attributed.reduce(0) { $0 + ($1["revenue"]?.doubleValue ?? 0) } / scale, currency: currency),
                ],
            ] as [[String: Any]],
        ]
        return try view.page(
            "campaign", title: values["name"] as? String ?? "Campaign", section: .campaigns, session: session, request: request,
            values: values)
    }
}
