import PatronCore
import PatronStore
import SQLKit

/// A campaign with what it did: messages by state, opens, clicks, unsubscribes, attributed orders.
public enum CampaignReport {
    public static func report(campaign id: Int64, store: Int64, database: Database) async throws -> JSONValue? {
        try await database.read { sql in
            guard let campaign = try await CampaignRepository(sql: sql, storeID: store).find(id: id) else { return nil }
            guard case .object(var document) = campaign.json else { return nil }
            document["messages"] = try await FlowPerformance.messageStats(
                origin: "campaign_id = \(bind: id)", store: store, sql: sql)
            document["attributed"] = try await FlowPerformance.attributed(
                origin: "campaign_id = \(bind: id)", store: store, sql: sql)
            return .object(document)
        }
    }
}
