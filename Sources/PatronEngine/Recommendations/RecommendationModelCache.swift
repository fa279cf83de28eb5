import Foundation
import PatronAnalytics
import PatronCore
import PatronStore
import SQLKit

/// Decoded models kept in memory, so a request costs one indexed token lookup instead of a decode.
/// Every stored model gets a new random token, so a stale model, or one from another database, is
/// never served.
actor RecommendationModelCache {
    static let shared = RecommendationModelCache()
    static let capacity = 64

    private var models: [String: RecommendationModel] = [:]
    private var order: [String] = []

    func model(store: Int64, sql: any SQLDatabase) async throws -> RecommendationModel? {
        let repository = RecommendationRepository(sql: sql, storeID: store)
        guard let token = try await repository.token() else { return nil }
        if let cached = models[token] { return cached }
        guard let stored = try await repository.load(),
            let bytes = Data(base64Encoded: stored.model)
        else { return nil }
        let model = try RecommendationModel(bytes: [UInt8](bytes))
        if models[stored.token] == nil { order.append(stored.token) }
        models[stored.token] = model
        while order.count > Self.capacity { models[order.removeFirst()] = nil }
        return model
    }
}
