import Hummingbird

/// The request context: the store an authenticated request acts for.
public struct PatronRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `SecretKeyAuthenticator`; every `/api/v1` handler reads data of this store only.
    public var storeID: Int64?

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    /// The authenticated store; routes behind the authenticator always have one.
    public func requireStore() throws -> Int64 {
        guard let storeID else { throw Problem.unauthorized("missing or invalid API key") }
        return storeID
    }
}
