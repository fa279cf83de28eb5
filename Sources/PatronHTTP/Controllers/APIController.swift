import Foundation
import HTTPTypes
import Hummingbird
import PatronCore
import PatronEngine
import PatronStore

/// The REST API under `/api/v1`: upserts (single and batch, idempotent) and reads of one store's data.
struct APIController: Sendable {
    let database: Database
    let writes: WriteEndpoint
    let keys: APIKeyCache

    var routes: RouteCollection<PatronRequestContext> {
        let routes = RouteCollection(context: PatronRequestContext.self)
        routes.add(middleware: SecretKeyAuthenticator(keys: keys))
        routes.get("store") { _, context in try await read(context) { try await $0.store() } }
        addResource(
            routes, path: "customers", read: { CustomerInput.read(&$0).map(IngestOperation.customer) },
            render: { reader, id in try await reader.customer(id: id) })
        routes.get("customers") { request, context in
            let page = try pageRequest(request)
            return try await read(context) {
                try await $0.customers(
                    email: try request.queryText("email"), externalId: try request.queryText("externalId"), page: page
                )
                .json
            }
        }
        routes.get("customers/:id") { request, context in
            let id = try pathId(context, "customer")
            return try await read(context, missing: "customer \(id)") { try await $0.profile(id: id) }
        }
        routes.get("customers/:id/export") { _, context in
            let id = try pathId(context, "customer")
            let now = writes.ingestor.clock()
            return try await read(context, missing: "customer \(id)") { try await $0.export(customerId: id, now: now) }
        }
        routes.delete("customers/:id") { request, context in
            let id = try pathId(context, "customer")
            let store = try context.requireStore()
            return try await writes.commit(request, store: store, bodyBytes: []) { writer in
                guard try await writer.eraseCustomer(id: id) else { throw Problem.notFound("no customer with id \(id)") }
                return (.ok, ["id": .int(id), "erased": true])
            }
        }
        addResource(
            routes, path: "products", read: { ProductInput.read(&$0).map(IngestOperation.product) },
            render: { reader, id in try await reader.product(id: id) })
        routes.get("products") { request, context in
            let page = try pageRequest(request)
            return try await read(context) {
                try await $0.products(externalId: try request.queryText("externalId"), page: page).json
            }
        }
        routes.get("products/:id") { _, context in
            let id = try pathId(context, "product")
            return try await read(context, missing: "product \(id)") { try await $0.product(id: id) }
        }
        addResource(
            routes, path: "orders", read: { OrderInput.read(&$0).map(IngestOperation.order) },
            render: { reader, id in try await reader.order(id: id) })
        routes.get("orders") { request, context in
            let page = try pageRequest(request)
            let customerId = try optionalInteger(request, "customerId")
            return try await read(context) {
                try await $0.orders(externalId: try request.queryText("externalId"), customerId: customerId, page: page).json
            }
        }
        routes.get("orders/:id") { _, context in
            let id = try pathId(context, "order")
            return try await read(context, missing: "order \(id)") { try await $0.order(id: id) }
        }
        routes.post("refunds") { request, context in
            try await writes.handle(request, context: context) { body, _ in
                try WriteEndpoint.single(body) { reader in
                    let orderExternalId = reader.identifier("orderExternalId", required: true)
                    return RefundInput.read(&reader, orderExternalId: orderExternalId ?? "").map(IngestOperation.refund)
                }
            } render: { writer, results in
                let reader = StoreReader(sql: writer.sql, storeID: writer.storeID)
                guard let result = results.first ?? nil, let document = try await reader.refund(id: result.id) else {
                    throw Problem.notFound("refund not found after write")
                }
                return (WriteEndpoint.status(for: result), document)
            }
        }
        addResource(
            routes, path: "shipments", read: { ShipmentInput.read(&$0).map(IngestOperation.shipment) },
            render: { reader, id in try await reader.shipment(id: id) })
        routes.get("shipments") { request, context in
            let page = try pageRequest(request)
            return try await read(context) {
                try await $0.shipments(orderExternalId: try request.queryText("orderExternalId"), page: page).json
            }
        }
        routes.get("shipments/:id") { _, context in
            let id = try pathId(context, "shipment")
            return try await read(context, missing: "shipment \(id)") { try await $0.shipment(id: id) }
        }
        addEvents(routes)
        return routes
    }

    /// `POST /path` (single upsert) and `POST /path/batch` for one resource kind.
    func addResource(
        _ routes: RouteCollection<PatronRequestContext>, path: String,
        read parse: @escaping @Sendable (inout FieldReader) -> IngestOperation?,
        render: @escaping @Sendable (StoreReader, Int64) async throws -> JSONValue?
    ) {
        routes.post(RouterPath(path)) { request, context in
            try await writes.handle(request, context: context) { body, _ in
                try WriteEndpoint.single(body, read: parse)
            } render: { writer, results in
                guard let result = results.first ?? nil,
                    let document = try await render(StoreReader(sql: writer.sql, storeID: writer.storeID), result.id)
                else { throw Problem.notFound("resource not found after write") }
                return (WriteEndpoint.status(for: result), document)
            }
        }
        routes.post(RouterPath("\(path)/batch")) { request, context in
            try await batch(request, context, read: parse)
        }
    }

    func addEvents(_ routes: RouteCollection<PatronRequestContext>) {
        let clock = writes.ingestor.clock
        routes.post("events") { request, context in
            try await writes.handle(request, context: context) { body, now in
                try WriteEndpoint.single(body) { EventInput.read(&$0, now: now).map(IngestOperation.event) }
            } render: { writer, results in
                guard let result = results.first ?? nil,
                    case .object(var document) = try await StoreReader(sql: writer.sql, storeID: writer.storeID).event(
                        id: result.id)
                else { throw Problem.notFound("event not found after write") }
                document["duplicate"] = .bool(result.outcome == .duplicate)
                return (result.outcome == .created ? .created : .ok, .object(document))
            }
        }
        routes.post("events/batch") { request, context in
            let now = clock()
            return try await batch(request, context) { EventInput.read(&$0, now: now).map(IngestOperation.event) }
        }
        routes.get("events") { request, context in
            let page = try pageRequest(request)
            let customerId = try optionalInteger(request, "customerId")
            return try await read(context) {
                try await $0.events(customerId: customerId, type: try request.queryText("type"), page: page).json
            }
        }
    }

    func batch(
        _ request: Request, _ context: PatronRequestContext,
        read parse: @escaping @Sendable (inout FieldReader) -> IngestOperation?
    ) async throws -> Response {
        let store = try context.requireStore()
        let (bytes, body) = try await writes.jsonBody(request)
        let batch = try BatchBody(body, read: parse)
        return try await writes.commit(request, store: store, bodyBytes: bytes) { writer in
            batch.render(
                try await Ingestor.applyEach(batch.operations, source: .api, writer: writer, flows: writes.ingestor.flows))
        }
    }

    func read(
        _ context: PatronRequestContext, missing: String? = nil, _ body: @Sendable (StoreReader) async throws -> JSONValue?
    ) async throws -> Response {
        let store = try context.requireStore()
        let document = try await database.read { sql in try await body(StoreReader(sql: sql, storeID: store)) }
        guard let document else { throw Problem.notFound("no \(missing ?? "resource") in this store") }
        return .json(document)
    }
}

func pathId(_ context: PatronRequestContext, _ kind: String) throws -> Int64 {
    let text = context.parameters.get("id") ?? ""
    guard let id = Int64(text), id > 0 else { throw Problem.notFound("no \(kind) with id \(text.prefix(40))") }
    return id
}

func optionalInteger(_ request: Request, _ name: String) throws -> Int64? {
    guard let text = try request.queryText(name) else { return nil }
    guard let value = Int64(text) else {
        throw Problem.validation(ValidationFailure(field: name, message: "expected an integer, got \"\(text.prefix(40))\""))
    }
    return value
}

func pageRequest(_ request: Request) throws -> PageRequest {
    var limit = 50
    if let text = try request.queryText("limit") {
        guard let value = Int(text), (1...200).contains(value) else {
            throw Problem.validation(
                ValidationFailure(field: "limit", message: "expected an integer from 1 to 200, got \"\(text.prefix(40))\""))
        }
        limit = value
    }
    var after: Int64 = 0
    if let text = try request.queryText("after") {
        guard let value = Int64(text), value >= 0 else {
            throw Problem.validation(
                ValidationFailure(field: "after", message: "expected a cursor from a previous page's nextCursor"))
        }
        after = value
    }
    return PageRequest(limit: limit, after: after)
}
