import Foundation
import Hummingbird
import PatronCore
import PatronEngine
import PatronStore

/// Recommendations under `/api/v1/recommendations`. Product and category lists show only catalog data,
/// so a storefront may read them with its write key (`wk_`) as well as the secret key; a customer's
/// or an order's list and the merchant's exclusions need the secret key.
struct RecommendationController: Sendable {
    let database: Database
    let keys: APIKeyCache
    let clock: @Sendable () -> Date
    /// This application's own cache: it serves one database, so it may trust models and cards for a while.
    let cache: RecommendationCache

    private func read<T: Sendable>(_ store: Int64, _ body: @Sendable (RecommendationReader) async throws -> T) async throws -> T {
        try await database.read { try await body(RecommendationReader(sql: $0, storeID: store, cache: cache)) }
    }

    var publicRoutes: RouteCollection<PatronRequestContext> {
        let routes = RouteCollection(context: PatronRequestContext.self)
        routes.add(middleware: StoreKeyAuthenticator(keys: keys, kinds: [.secret, .write]))
        routes.get("recommendations/products/:product") { request, context in
            let store = try context.requireStore()
            let product = try productParameter(context)
            let kindText = try request.queryText("kind") ?? "together"
            guard let kind = RecommendationReader.ProductList(rawValue: kindText) else {
                throw Problem.validation(
                    ValidationFailure(
                        field: "kind", message: "expected together, related or similar, got \"\(kindText.prefix(40))\""))
            }
            let limit = try limit(request)
            guard let listing = try await read(store, { try await $0.forProduct(product, list: kind, limit: limit) }) else {
                throw Problem.notFound("no product with external id \(product.prefix(80)) in this store's catalog or sales")
            }
            return Response.json(listing.json.setting("kind", .string(kind.rawValue)).setting("product", .string(product)))
        }
        routes.get("recommendations/popular") { request, context in
            let store = try context.requireStore()
            let category = try request.queryText("category")
            let limit = try limit(request)
            let listing = try await read(store) { try await $0.popular(category: category, limit: limit) }
            return Response.json(listing.json.setting("category", category.map(JSONValue.string) ?? .null))
        }
        return routes
    }

    var routes: RouteCollection<PatronRequestContext> {
        let routes = RouteCollection(context: PatronRequestContext.self)
        routes.add(middleware: SecretKeyAuthenticator(keys: keys))
        routes.get("recommendations/customers/:id") { request, context in
            let (store, customer) = (try context.requireStore(), try pathId(context, "customer"))
            let limit = try limit(request)
            let now = Timestamp.milliseconds(clock())
            guard let listing = try await read(store, { try await $0.forCustomer(customer, limit: limit, now: now) }) else {
                throw Problem.notFound("no customer with id \(customer)")
            }
            return Response.json(
                listing.recommendations.json.setting("customer", .int(customer))
                    .setting("replenishment", .array(listing.replenishment)))
        }
        routes.get("recommendations/orders/:id") { request, context in
            let (store, order) = (try context.requireStore(), try pathId(context, "order"))
            let limit = try limit(request)
            guard let listing = try await read(store, { try await $0.forOrder(order, limit: limit) }) else {
                throw Problem.notFound("no order with id \(order)")
            }
            return Response.json(listing.json.setting("order", .int(order)))
        }
        routes.get("recommendations/exclusions") { _, context in
            let store = try context.requireStore()
            let excluded = try await database.read { try await RecommendationRepository(sql: $0, storeID: store).exclusions() }
            return Response.json([
                "data": .array(excluded.map { ["product": .string($0.product), "createdAt": .time(milliseconds: $0.createdAt)] })
            ])
        }
        routes.put("recommendations/exclusions/:product") { _, context in
            let (store, product) = (try context.requireStore(), try productParameter(context))
            let now = Timestamp.milliseconds(clock())
            let created = try await database.write(store: store) {
                try await RecommendationRepository(sql: $0, storeID: store).exclude(product: product, now: now)
            }
            await cache.forget(store: store)
            return Response.json(["product": .string(product), "excluded": true], status: created ? .created : .ok)
        }
        routes.delete("recommendations/exclusions/:product") { _, context in
            let (store, product) = (try context.requireStore(), try productParameter(context))
            let removed = try await database.write(store: store) {
                try await RecommendationRepository(sql: $0, storeID: store).include(product: product)
            }
            guard removed else { throw Problem.notFound("product \(product.prefix(80)) is not excluded") }
            await cache.forget(store: store)
            return Response.json(["product": .string(product), "excluded": false])
        }
        return routes
    }

    private func productParameter(_ context: PatronRequestContext) throws -> String {
        let raw = context.parameters.get("product") ?? ""
        guard let product = raw.removingPercentEncoding, !product.isEmpty, product.utf8.count <= 255 else {
            throw Problem.validation(
                ValidationFailure(field: "product", message: "expected a product's external id (at most 255 bytes, URL-encoded)"))
        }
        return product
    }

    private func limit(_ request: Request) throws -> Int {
        guard let text = try request.queryText("limit") else { return 10 }
        guard let value = Int(text), (1...50).contains(value) else {
            throw Problem.validation(
                ValidationFailure(field: "limit", message: "expected an integer from 1 to 50, got \"\(text.prefix(40))\""))
        }
        return value
    }
}
