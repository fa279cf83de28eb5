import Foundation
import Hummingbird
import PatronStore

/// Resolves `Authorization: Bearer sk_...` to the key's store; every `/api/v1` route sits behind it.
struct SecretKeyAuthenticator: RouterMiddleware {
    typealias Context = PatronRequestContext
    let keys: APIKeyCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        try await StoreKeyAuthenticator(keys: keys, kinds: [.secret]).handle(request, context: context, next: next)
    }
}

/// Resolves `Authorization: Bearer` with any of `kinds` (say a storefront's write key `wk_` as well as
/// the secret key) to the key's store.
struct StoreKeyAuthenticator: RouterMiddleware {
    typealias Context = PatronRequestContext
    let keys: APIKeyCache
    let kinds: [APIKeyKind]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw Problem.unauthorized(
                kinds == [.secret]
                    ? "send the store's secret key as Authorization: Bearer sk_..."
                    : "send the store's secret key (sk_...) or write key (wk_...) as Authorization: Bearer")
        }
        let key = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        for kind in kinds {
            if let store = try await keys.store(for: key, kind: kind) {
                var context = context
                context.storeID = store
                return try await next(request, context)
            }
        }
        throw Problem.unauthorized("the API key is not valid (it may have been revoked)")
    }
}

/// Remembers key-to-store lookups for a short while so that hot ingestion paths skip a query.
actor APIKeyCache {
    let database: Database
    let lifetime: TimeInterval
    private var entries: [String: (store: Int64?, expires: Date)] = [:]

    init(database: Database, lifetime: TimeInterval = 30) {
        self.database = database
        self.lifetime = lifetime
    }

    /// Forgets every cached answer (a key was revoked in this process).
    func clear() {
        entries.removeAll()
    }

    func store(for key: String, kind: APIKeyKind) async throws -> Int64? {
        let cacheKey = kind.rawValue + ":" + KeyGenerator.hash(key)
        let now = Date()
        if let entry = entries[cacheKey], entry.expires > now { return entry.store }
        let store = try await StoreRepository.authenticate(key: key, kind: kind, in: database)
        if entries.count > 10_000 { entries.removeAll() }
        entries[cacheKey] = (store, now.addingTimeInterval(lifetime))
        return store
    }
}
