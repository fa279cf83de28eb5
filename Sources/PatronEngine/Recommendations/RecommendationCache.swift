import Foundation
import PatronAnalytics
import PatronCore
import PatronStore
import SQLKit

/// Decoded models and product cards kept in memory, so a recommendation costs few queries or none.
///
/// Every stored model gets a new random token, so the shared cache (``shared``, no database of its own)
/// never serves a stale model or one from another database: it asks for the token each time and reads
/// product cards fresh. The API's cache belongs to one database: it trusts a store's token for
/// `recheckSeconds` and keeps the store's whole catalog of cards in memory, reloaded in the background
/// once it is older than `recheckSeconds` (or twenty times its last load time, for big catalogs), so a
/// refresh made by another process, a price or a stock change shows within that time; products missing
/// from it are read at once, and exclusions made through this process show at once (``forget(store:)``).
public actor RecommendationCache {
    public static let shared = RecommendationCache()
    static let modelCapacity = 64

    let recheck: Duration
    let database: Database?
    private var models: [String: RecommendationModel] = [:]
    private var modelOrder: [String] = []
    private var tokens: [Int64: (token: String, at: ContinuousClock.Instant)] = [:]
    private var catalogs: [Int64: Catalog] = [:]
    /// Bumped by ``forget(store:)``, so a reload that began before it does not put old cards back.
    private var generations: [Int64: Int] = [:]

    private struct Catalog {
        var cards: [String: ProductCard]
        var loadedAt: ContinuousClock.Instant
        var loadTime: Duration
        var reloading = false
    }

    /// The shared, always-fresh cache.
    public init() {
        recheck = .zero
        database = nil
    }

    /// A cache for `database` alone, trusting what it holds for `recheckSeconds` (0: never).
    public init(database: Database, recheckSeconds: Double) {
        recheck = .milliseconds(Int64(recheckSeconds * 1_000))
        self.database = recheckSeconds > 0 ? database : nil
    }

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

    /// The cards of these products (absent: no such product).
    func cards(_ externalIds: [String], store: Int64, sql: any SQLDatabase) async throws -> [String: ProductCard] {
        guard let database else { return try await ProductCard.load(externalIds, store: store, sql: sql) }
        if catalogs[store] == nil {
            let started = ContinuousClock.now
            let all = try await ProductCard.load(nil, store: store, sql: sql)
            catalogs[store] = Catalog(cards: all, loadedAt: ContinuousClock.now, loadTime: ContinuousClock.now - started)
        }
        guard var catalog = catalogs[store] else { return [:] }
        if !catalog.reloading, ContinuousClock.now - catalog.loadedAt > max(recheck, catalog.loadTime * 20) {
            catalog.reloading = true
            catalogs[store] = catalog
            Task { await self.reload(store: store, database: database) }
        }
        var result: [String: ProductCard] = [:]
        var missing: [String] = []
        for id in externalIds {
            if let card = catalog.cards[id] { result[id] = card } else { missing.append(id) }
        }
        guard !missing.isEmpty else { return result }
        return result.merging(try await ProductCard.load(missing, store: store, sql: sql)) { _, new in new }
    }

    private func reload(store: Int64, database: Database) async {
        let started = ContinuousClock.now
        let generation = generations[store, default: 0]
        do {
            let all = try await database.read { try await ProductCard.load(nil, store: store, sql: $0) }
            guard generations[store, default: 0] == generation else { return }
            catalogs[store] = Catalog(cards: all, loadedAt: ContinuousClock.now, loadTime: ContinuousClock.now - started)
        } catch {
            catalogs[store]?.reloading = false
            catalogs[store]?.loadedAt = ContinuousClock.now
        }
    }

    /// Drops a store's catalog after a change this process made (an exclusion): the next request reloads it.
    public func forget(store: Int64) {
        catalogs[store] = nil
        generations[store, default: 0] += 1
    }
}
