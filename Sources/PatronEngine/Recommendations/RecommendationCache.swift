import Foundation
import PatronAnalytics
import PatronCore
import PatronStore
import SQLKit

/// Decoded models and product cards kept in memory, so a recommendation costs few queries or none.
///
/// Every stored model gets a new random token, so the shared cache (``shared``, `recheckSeconds` 0) never
/// serves a stale model or one from another database: it asks for the token each time and reads product
/// cards fresh. A cache that belongs to one database (the API's) may trust a store's token and its cards
/// for `recheckSeconds`, so a refresh made by another process, a stock change or a price change shows
/// within that time; exclusions made through this process show at once (``forget(store:)``).
public actor RecommendationCache {
    public static let shared = RecommendationCache()
    static let modelCapacity = 64
    static let cardCapacity = 50_000

    let recheck: Duration
    private var models: [String: RecommendationModel] = [:]
    private var modelOrder: [String] = []
    private var tokens: [Int64: (token: String, at: ContinuousClock.Instant)] = [:]
    private var cards: [Int64: [String: (card: ProductCard?, at: ContinuousClock.Instant)]] = [:]

    /// `recheckSeconds` > 0 only for a cache used with a single database.
    public init(recheckSeconds: Double = 0) { recheck = .milliseconds(Int64(recheckSeconds * 1_000)) }

    func model(store: Int64, sql: any SQLDatabase) async throws -> RecommendationModel? {
        if recheck > .zero, let recent = tokens[store], ContinuousClock.now - recent.at < recheck,
            let cached = models[recent.token]
        {
            return cached
        }
        let repository = RecommendationRepository(sql: sql, storeID: store)
        guard let token = try await repository.token() else { return nil }
        if recheck > .zero { tokens[store] = (token, ContinuousClock.now) }
        if let cached = models[token] { return cached }
        guard let stored = try await repository.load(), let bytes = Data(base64Encoded: stored.model) else { return nil }
        let model = try RecommendationModel(bytes: [UInt8](bytes))
        if models[stored.token] == nil { modelOrder.append(stored.token) }
        models[stored.token] = model
        while modelOrder.count > Self.modelCapacity { models[modelOrder.removeFirst()] = nil }
        return model
    }

    /// The cards of these products (absent: no such product), fresh within `recheckSeconds`.
    func cards(_ externalIds: [String], store: Int64, sql: any SQLDatabase) async throws -> [String: ProductCard] {
        guard recheck > .zero else { return try await ProductCard.load(externalIds, store: store, sql: sql) }
        let now = ContinuousClock.now
        var result: [String: ProductCard] = [:]
        var missing: [String] = []
        let known = cards[store] ?? [:]
        for id in externalIds {
            if let entry = known[id], now - entry.at < recheck {
                if let card = entry.card { result[id] = card }
            } else {
                missing.append(id)
            }
        }
        guard !missing.isEmpty else { return result }
        let loaded = try await ProductCard.load(missing, store: store, sql: sql)
        var updated = cards[store] ?? [:]
        if updated.count > Self.cardCapacity { updated.removeAll() }
        for id in missing { updated[id] = (loaded[id], now) }
        cards[store] = updated
        return result.merging(loaded) { _, new in new }
    }

    /// Drops a store's cards, after a change this process made (an exclusion).
    public func forget(store: Int64) { cards[store] = nil }
}
