import Foundation
import HTTPTypes
import Hummingbird
import PatronAnalytics
import PatronCore
import PatronEngine
import PatronStore

/// Analytics under `/api/v1`: refresh on demand, KPIs, models, the RFM grid, cohorts, a customer's
/// predictions, and saved segments (CRUD, preview, members).
struct AnalyticsController: Sendable {
    let database: Database
    let writes: WriteEndpoint
    let keys: APIKeyCache
    let refresher: AnalyticsRefresher
    let refreshes: RefreshGate

    var routes: RouteCollection<PatronRequestContext> {
        let routes = RouteCollection(context: PatronRequestContext.self)
        routes.add(middleware: SecretKeyAuthenticator(keys: keys))
        routes.post("analytics/refresh") { _, context in try await refresh(context) }
        for part in ["kpis", "models", "rfm", "cohorts"] {
            routes.get("analytics/\(part)") { request, context in try await latest(request, context, part: part) }
        }
        routes.get("customers/:id/predictions") { _, context in try await predictions(context) }
        routes.get("segments") { _, context in
            let store = try context.requireStore()
            let segments = try await database.read { try await SegmentRepository(sql: $0, storeID: store).list() }
            return Response.json(["data": .array(segments.map(\.json))])
        }
        routes.post("segments") { request, context in try await createSegment(request, context) }
        routes.post("segments/preview") { request, context in try await preview(request, context) }
        routes.get("segments/:id") { _, context in
            let (store, id) = (try context.requireStore(), try pathId(context, "segment"))
            guard let segment = try await database.read({ try await SegmentRepository(sql: $0, storeID: store).find(id: id) })
            else { throw Problem.notFound("no segment with id \(id)") }
            return Response.json(segment.json)
        }
        routes.patch("segments/:id") { request, context in try await updateSegment(request, context) }
        routes.delete("segments/:id") { request, context in
            let (store, id) = (try context.requireStore(), try pathId(context, "segment"))
            return try await writes.commit(request, store: store, bodyBytes: []) { writer in
                guard try await SegmentRepository(sql: writer.sql, storeID: store).delete(id: id) else {
                    throw Problem.notFound("no segment with id \(id)")
                }
                return (.ok, ["id": .int(id), "deleted": true])
            }
        }
        routes.get("segments/:id/members") { request, context in try await members(request, context) }
        return routes
    }

    private func refresh(_ context: PatronRequestContext) async throws -> Response {
        let store = try context.requireStore()
        let refresher = self.refresher
        guard let outcome = try await refreshes.runUnlessBusy(store, { try await refresher.refresh(store: store, reason: "api") })
        else {
            throw Problem(
                status: .conflict, title: "Refresh in progress", detail: "an analytics refresh of this store is already running")
        }
        return Response.json([
            "run": .int(outcome.run), "customers": .int(Int64(outcome.customers)),
            "orders": .int(Int64(outcome.orders)), "seconds": .double(outcome.seconds),
            "superseded": .bool(outcome.superseded), "skippedSegments": .array(outcome.skippedSegments),
            "segments": .array(
                outcome.segments.map {
                    [
                        "id": .int($0.id), "members": .int(Int64($0.members)), "entered": .int(Int64($0.entered)),
                        "exited": .int(Int64($0.exited)),
                    ]
                }),
        ])
    }

    private func latest(_ request: Request, _ context: PatronRequestContext, part: String) async throws -> Response {
        let store = try context.requireStore()
        let periodDays = part == "kpis" ? try kpiPeriod(request) : nil
        guard let run = try await database.read({ try await AnalyticsRunRepository(sql: $0, storeID: store).latestSucceeded() }),
            let summary = run.summary
        else {
            throw Problem.notFound("no analytics for this store yet: POST /api/v1/analytics/refresh computes them")
        }
        var document: [String: JSONValue] = [
            "run": .int(run.id), "currency": JSONValue(run.currency),
            "computedAt": .time(milliseconds: run.finishedAt ?? run.startedAt),
        ]
        switch part {
        case "kpis":
            document["kpis"] = summary["kpis"] ?? .null
            let periods = summary["kpi_periods"]?.arrayValue ?? []
            if let periodDays {
                let chosen = periods.first { $0["days"] == .int(Int64(periodDays)) }
                document["kpis"] = chosen?["current"] ?? .null
                document["previous"] = chosen?["previous"] ?? .null
                document["periodDays"] = .int(Int64(periodDays))
            } else {
                document["periods"] = .array(periods)
            }
        case "models": document["models"] = summary["models"] ?? .null
        case "rfm": document.merge(summary["rfm"]?.objectValue ?? [:]) { $1 }
        default: document.merge(summary["cohorts"]?.objectValue ?? [:]) { $1 }
        }
        return Response.json(.object(document))
    }

    /// `?period=7|30|90|365` on the KPIs: one of the standard periods, with the one before it.
    private func kpiPeriod(_ request: Request) throws -> Int? {
        guard let text = try request.queryText("period") else { return nil }
        guard let days = Int(text), CustomerAnalysis.standardPeriods.contains(days) else {
            let choices = CustomerAnalysis.standardPeriods.map(String.init).joined(separator: ", ")
            throw Problem.validation(
                ValidationFailure(field: "period", message: "expected one of \(choices) (days), got \"\(text.prefix(40))\""))
        }
        return days
    }

    private func predictions(_ context: PatronRequestContext) async throws -> Response {
        let (store, id) = (try context.requireStore(), try pathId(context, "customer"))
        let found = try await database.read { sql -> (CustomerMetricsRow, Int64, String?)?? in
            guard try await StoreReader(sql: sql, storeID: store).customer(id: id) != nil else { return .none }
            let currency = try await AnalyticsRunRepository(sql: sql, storeID: store).latestSucceeded()?.currency
            return .some(
                try await CustomerMetricsRepository(sql: sql, storeID: store).find(customerId: id).map {
                    ($0.row, $0.computedAt, currency)
                })
        }
        guard case .some(let metrics) = found else { throw Problem.notFound("no customer with id \(id)") }
        guard let (row, computedAt, currency) = metrics else {
            return Response.json([
                "customerId": .int(id), "computedAt": .null,
                "reason": "no orders before the last analytics refresh, or no refresh yet",
            ])
        }
        return Response.json(PredictionJSON.render(row, computedAt: computedAt, currency: currency))
    }

    private func readSegment(_ body: JSONValue, partial: Bool) throws -> (name: String?, description: String??, rule: String?) {
        var reader: FieldReader
        do { reader = try FieldReader.root(body) } catch { throw Problem.validation(error) }
        // In a PATCH, a field that is present (and not null) must be valid just as in a POST.
        func required(_ key: String) -> Bool { !partial || (body[key].map { !$0.isNull } ?? false) }
        let name = reader.string("name", required: required("name"), maxLength: 200)
        let description: String?? = reader.has("description") ? .some(reader.string("description", maxLength: 2_000)) : .none
        let rule = reader.string("rule", required: required("rule"), maxLength: SegmentRuleLimits.maximumLength)
        if let name, name.trimmingCharacters(in: .whitespaces).isEmpty { reader.fail("name", "expected a non-empty name") }
        do { try reader.finish() } catch { throw Problem.validation(error) }
        if let rule { _ = try Self.parseRule(rule) }
        return (name, description, rule)
    }

    static func parseRule(_ rule: String) throws -> SegmentRule {
        do {
            return try SegmentRule.parse(rule)
        } catch {
            var problem = Problem.validation(
                ValidationFailure(field: "rule", message: "\(error.description) (at character \(error.position))"))
            problem.extra["position"] = .int(Int64(error.position))
            problem.extra["line"] = .int(Int64(error.line))
            problem.extra["column"] = .int(Int64(error.column))
            throw problem
        }
    }

    private func createSegment(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let store = try context.requireStore()
        let (bytes, body) = try await writes.jsonBody(request)
        let input = try readSegment(body, partial: false)
        guard let name = input.name, let rule = input.rule else { throw Problem.notFound("unreachable") }
        return try await writes.commit(request, store: store, bodyBytes: bytes) { writer in
            do {
                let segment = try await SegmentRepository(sql: writer.sql, storeID: store).create(
                    name: name, description: input.description ?? nil, rule: rule, now: writer.now)
                return (.created, segment.json)
            } catch SegmentRepository.SaveError.nameTaken {
                throw Self.nameTaken(name)
            }
        }
    }

    private func updateSegment(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let (store, id) = (try context.requireStore(), try pathId(context, "segment"))
        let (bytes, body) = try await writes.jsonBody(request)
        let input = try readSegment(body, partial: true)
        return try await writes.commit(request, store: store, bodyBytes: bytes) { writer in
            do {
                guard
                    let segment = try await SegmentRepository(sql: writer.sql, storeID: store).update(
                        id: id, name: input.name, description: input.description, rule: input.rule, now: writer.now)
                else { throw Problem.notFound("no segment with id \(id)") }
                return (.ok, segment.json)
            } catch SegmentRepository.SaveError.nameTaken {
                throw Self.nameTaken(input.name ?? "")
            }
        }
    }

    static func nameTaken(_ name: String) -> Problem {
        Problem(
            status: .conflict, title: "Name taken", detail: "a segment named \"\(name.prefix(200))\" already exists",
            errors: [FieldError(field: "name", message: "expected a name no other segment of this store uses")])
    }

    /// Evaluates a rule now, without saving it: the member count and the first customers.
    private func preview(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let store = try context.requireStore()
        let (_, body) = try await writes.jsonBody(request)
        var reader: FieldReader
        do { reader = try FieldReader.root(body) } catch { throw Problem.validation(error) }
        let ruleText = reader.string("rule", required: true, maxLength: SegmentRuleLimits.maximumLength)
        let sampleSize = reader.integer("sample", range: 0...100) ?? 10
        do { try reader.finish() } catch { throw Problem.validation(error) }
        let rule = try Self.parseRule(ruleText ?? "")
        let members = try await SegmentEvaluator(database: database, store: store, clock: writes.ingestor.clock).members(rule)
        let sample = try await database.read { sql in
            let reader = StoreReader(sql: sql, storeID: store)
            var documents: [JSONValue] = []
            for id in members.prefix(Int(sampleSize)) {
                if let customer = try await reader.customer(id: id) { documents.append(customer) }
            }
            return documents
        }
        return Response.json(["count": .int(Int64(members.count)), "sample": .array(sample)])
    }

    private func members(_ request: Request, _ context: PatronRequestContext) async throws -> Response {
        let (store, id) = (try context.requireStore(), try pathId(context, "segment"))
        let page = try pageRequest(request)
        let result = try await database.read { sql -> Page? in
            let segments = SegmentRepository(sql: sql, storeID: store)
            guard try await segments.find(id: id) != nil else { return nil }
            let ids = try await segments.members(segment: id, after: page.after, limit: page.limit + 1)
            let reader = StoreReader(sql: sql, storeID: store)
            var documents: [JSONValue] = []
            for member in ids.prefix(page.limit) {
                if let customer = try await reader.customer(id: member) { documents.append(customer) }
            }
            return Page(items: documents, nextCursor: ids.count > page.limit ? ids[page.limit - 1] : nil)
        }
        guard let result else { throw Problem.notFound("no segment with id \(id)") }
        return Response.json(result.json)
    }
}
