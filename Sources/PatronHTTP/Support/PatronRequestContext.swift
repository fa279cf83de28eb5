import Hummingbird
import PatronStore

/// The request context: the store an authenticated request acts for.
public struct PatronRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `SecretKeyAuthenticator`; every `/api/v1` handler reads data of this store only.
    public var storeID: Int64?
    /// Set by `DashboardAuthenticator` on `/app` pages: the signed-in user's session.
    public var dashboard: DashboardSession?
    /// The URL-encoded form of a dashboard POST, read once by the authenticator for its CSRF check.
    public var form: [String: String] = [:]

    /// The client's IP address, for throttling sign-in attempts.
    public var clientAddress: String?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The authenticated store; routes behind the authenticator always have one.
    public func requireStore() throws -> Int64 {
        guard let storeID else { throw Problem.unauthorized("missing or invalid API key") }
        return storeID
    }
}
