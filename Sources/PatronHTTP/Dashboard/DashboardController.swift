import Foundation
import Hummingbird
import PatronCore
import PatronEngine
import PatronMessaging
import PatronStore

/// The merchant dashboard under `/app`: every page behind a session, rendered on the server.
struct DashboardController: Sendable {
    let database: Database
    let view: DashboardView
    let cookies: DashboardCookies
    let emailTemplates: EmailTemplates?
    let recommendations: RecommendationCache
    let allowPrivateWebhooks: Bool
    let defaultRelay: SMTPRelay?
    let publicURL: String
    let keys: APIKeyCache
    let refresher: AnalyticsRefresher
    let refreshes: RefreshGate
    let clock: @Sendable () -> Date

    var routes: RouteCollection<PatronRequestContext> {
        let routes = RouteCollection(context: PatronRequestContext.self)
        routes.add(middleware: DashboardSecurityHeaders())
        routes.add(middleware: DashboardErrorPages())
        routes.add(middleware: DashboardAuthenticator(database: database, cookies: cookies, clock: clock))
        routes.get("app") { request, context in try await overview(request, context) }
        routes.post("app/refresh") { _, context in try await refreshAnalytics(context) }
        routes.get("app/customers") { request, context in try await customers(request, context) }
        routes.get("app/customers/:id") { request, context in try await customer(request, context) }
        routes.get("app/segments") { request, context in try await segments(request, context) }
        routes.get("app/segments/new") { request, context in try await segmentEditor(request, context, id: nil) }
        routes.post("app/segments") { request, context in try await saveSegment(request, context, id: nil) }
        routes.post("app/segments/check") { request, context in try await checkSegment(request, context) }
        routes.get("app/segments/:id") { request, context in
            try await segmentEditor(request, context, id: try pathId(context, "segment"))
        }
        routes.post("app/segments/:id") { request, context in
            try await saveSegment(request, context, id: try pathId(context, "segment"))
        }
        routes.post("app/segments/:id/delete") { _, context in
            try await deleteSegment(context, id: try pathId(context, "segment"))
        }
        routes.get("app/segments/:id/members.csv") { _, context in
            try await exportSegment(context, id: try pathId(context, "segment"))
        }
        routes.get("app/cohorts") { request, context in try await cohorts(request, context) }
        routes.get("app/flows") { request, context in try await flows(request, context) }
        routes.get("app/flows/:name") { request, context in try await flow(request, context) }
        routes.post("app/flows/:name/toggle") { request, context in try await toggleFlow(request, context) }
        routes.post("app/flows/:name/definition") { request, context in try await saveFlowDefinition(request, context) }
        routes.get("app/flows/:name/preview") { request, context in try await flowPreviewBody(request, context) }
        routes.post("app/flows/:name/test") { request, context in try await sendFlowTest(request, context) }
        routes.get("app/campaigns") { request, context in try await campaigns(request, context) }
        routes.get("app/campaigns/:id") { request, context in try await campaign(request, context) }
        routes.get("app/messages") { request, context in try await messages(request, context) }
        routes.get("app/messages/:id") { request, context in try await message(request, context) }
        routes.get("app/messages/:id/body") { _, context in try await messageBody(context) }
        routes.get("app/settings") { request, context in try await settings(request, context, created: nil) }
        routes.post("app/settings/store") { request, context in try await saveStoreSettings(request, context) }
        routes.post("app/settings/messaging") { request, context in try await saveMessagingSettings(request, context) }
        routes.post("app/settings/keys") { request, context in try await createKey(request, context) }
        routes.post("app/settings/keys/:id/revoke") { _, context in try await revokeKey(context) }
        routes.post("app/settings/test-email") { request, context in try await sendChannelTest(request, context) }
        routes.post("app/settings/users") { request, context in try await createUser(request, context) }
        routes.post("app/settings/users/:id/delete") { _, context in try await deleteUser(context) }
        return routes
    }

    var now: Int64 { Timestamp.milliseconds(clock()) }

    /// The latest successful analytics run of the store, if any.
    func latestAnalytics(_ store: Int64) async throws -> AnalyticsRun? {
        try await database.read { try await AnalyticsRunRepository(sql: $0, storeID: store).latestSucceeded() }
    }

    /// Starts a refresh unless one is running, so a saved segment gets its members (with the
    /// entered events and flow triggers only a refresh produces) without the form waiting for it.
    func refreshInBackground(store: Int64) {
        let (refresher, refreshes) = (self.refresher, self.refreshes)
        Task {
            _ = try? await refreshes.runUnlessBusy(store) { try await refresher.refresh(store: store, reason: "segment saved") }
        }
    }

    /// Runs an analytics refresh now (the empty states offer it).
    func refreshAnalytics(_ context: PatronRequestContext) async throws -> Response {
        let session = try context.require(.owner, .marketer)
        let (refresher, store) = (self.refresher, session.storeID)
        _ = try await refreshes.runUnlessBusy(store) { try await refresher.refresh(store: store, reason: "dashboard") }
        return DashboardView.redirect("/app?notice=refreshing")
    }
}
