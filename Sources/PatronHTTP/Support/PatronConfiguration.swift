import Foundation

/// Everything the server needs, built once at start-up from flags and `PATRON_*` variables.
public struct PatronConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var databaseLocation: String
    /// Largest REST request body accepted.
    public var maxBodyBytes: Int

    public init(
        host: String = "127.0.0.1", port: Int = 8080, databaseLocation: String = "patron.sqlite",
        maxBodyBytes: Int = 5 * 1024 * 1024
    ) {
        self.host = host
        self.port = port
        self.databaseLocation = databaseLocation
        self.maxBodyBytes = maxBodyBytes
    }
}
