import Foundation
import PatronMessaging

/// Everything the server needs, built once at start-up from flags and `PATRON_*` variables.
public struct PatronConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var databaseLocation: String
    /// Largest REST request body accepted.
    public var maxBodyBytes: Int
    /// Seconds between scheduled analytics refreshes of each store whose data changed; 0 turns the
    /// schedule off (refreshes then run only on demand).
    public var analyticsIntervalSeconds: Int
    /// Prediction horizon for expected purchases and lifetime value.
    public var analyticsHorizonDays: Int
    /// Job workers this process runs (0: none; another process works the queue).
    public var workers: Int
    /// How long an idle worker waits before looking for due jobs again.
    public var workerPollMilliseconds: Int
    /// The relay messages go to unless a store names its own (`PATRON_SMTP_URL`); nil: none yet.
    public var smtpRelay: SMTPRelay?
    /// The Twilio-compatible SMS and WhatsApp provider unless a store names its own (`PATRON_SMS_URL`).
    public var textProvider: TwilioRelay?
    /// How long a delivery worker holds the messages it leased; a worker that dies releases them after this.
    public var deliveryLeaseSeconds: Int
    /// Seconds between scans for birthday, anniversary and lapsed-customer triggers; 0 turns them off.
    public var flowScanIntervalSeconds: Int
    /// Lets outgoing webhooks reach private and loopback addresses (development only).
    public var allowPrivateWebhooks: Bool
    /// Where shoppers reach this server: the base of tracked links, the open pixel and unsubscribe pages.
    public var publicURL: String
    /// How long the recommendation API trusts its cached model and product cards (price, stock) before
    /// looking again; 0 reads them on every request.
    public var recommendationCacheSeconds: Double = 2

    public init(
        host: String = "127.0.0.1", port: Int = 8080, databaseLocation: String = "patron.sqlite",
        maxBodyBytes: Int = 5 * 1024 * 1024, analyticsIntervalSeconds: Int = 3_600, analyticsHorizonDays: Int = 365,
        workers: Int = 1, workerPollMilliseconds: Int = 250, smtpRelay: SMTPRelay? = nil, deliveryLeaseSeconds: Int = 60,
        flowScanIntervalSeconds: Int = 900, allowPrivateWebhooks: Bool = false, publicURL: String? = nil,
        textProvider: TwilioRelay? = nil
    ) {
        self.textProvider = textProvider
        self.flowScanIntervalSeconds = flowScanIntervalSeconds
        self.allowPrivateWebhooks = allowPrivateWebhooks
        self.publicURL = publicURL ?? "http://\(host):\(port)"
        self.host = host
        self.port = port
        self.databaseLocation = databaseLocation
        self.maxBodyBytes = maxBodyBytes
        self.analyticsIntervalSeconds = analyticsIntervalSeconds
        self.analyticsHorizonDays = analyticsHorizonDays
        self.workers = workers
        self.workerPollMilliseconds = workerPollMilliseconds
        self.smtpRelay = smtpRelay
        self.deliveryLeaseSeconds = deliveryLeaseSeconds
    }
}
