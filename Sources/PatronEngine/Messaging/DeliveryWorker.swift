import Foundation
import Logging
import Metrics
import PatronCore
import PatronMessaging
import PatronStore

/// Carries messages out of the outbox: leases a batch, and for each one composes it, records
/// `sending`, hands it to the relay and records `sent`. The record comes before the hand-over, so a
/// crash in between leaves a `sending` row whose lease expires: a transactional message is then sent
/// again (at least once) and a marketing one is not (at most once); either way it is counted as an
/// uncertain send. Nothing recorded as sent is ever sent again.
public struct DeliveryWorker: Sendable {
    public let outbox: MessageOutbox
    public let composer: MessageComposer
    public let defaultRelay: SMTPRelay?
    /// The SMS and WhatsApp provider unless a store names its own (`PATRON_SMS_URL`).
    public let defaultTextProvider: TwilioRelay?
    public let owner: String
    public let pollInterval: Duration
    public let leaseMilliseconds: Int64
    public let batchSize: Int
    public let maxAttempts: Int64
    public let logger: Logger
    public let clock: @Sendable () -> Date
    let mailers = MailerPool()

    public init(
        database: Database, templates: EmailTemplates, links: MessageLinks? = nil, defaultRelay: SMTPRelay?,
        defaultTextProvider: TwilioRelay? = nil, owner: String = JobWorker.defaultOwner(),
        pollInterval: Duration = .milliseconds(250), leaseMilliseconds: Int64 = 60_000, batchSize: Int = 10,
        maxAttempts: Int64 = 8, logger: Logger = Logger(label: "patron.delivery"),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.outbox = MessageOutbox(database: database)
        self.composer = MessageComposer(database: database, templates: templates, links: links)
        self.defaultRelay = defaultRelay
        self.defaultTextProvider = defaultTextProvider
        self.owner = owner
        self.pollInterval = pollInterval
        self.leaseMilliseconds = leaseMilliseconds
        self.batchSize = batchSize
        self.maxAttempts = maxAttempts
        self.logger = logger
        self.clock = clock
    }

    /// Leases and delivers one batch; returns how many messages it handled.
    @discardableResult
    public func runOnce() async throws -> Int {
        let batch = try await outbox.claim(
            owner: owner, now: Timestamp.milliseconds(clock()), leaseMilliseconds: leaseMilliseconds, limit: batchSize)
        for message in batch {
            do {
                try await deliver(message)
            } catch {
                logger.error("delivery failed", metadata: ["message": "\(message.id)", "error": "\(error)"])
            }
        }
        return batch.count
    }

    public func run() async {
        while !Task.isCancelled {
            do {
                if try await runOnce() == 0 { try await Task.sleep(for: pollInterval) }
            } catch is CancellationError {
                break
            } catch {
                logger.error("delivery worker could not lease messages", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: pollInterval * 4)
            }
        }
        await mailers.closeAll()
    }

    func deliver(_ leased: OutboxMessage) async throws {
        let now = clock()
        var message = leased
        if leased.status == "sending" {
            // The last attempt stopped between `sending` and its result: nobody knows whether the relay
            // took it. Marketing is never repeated; anything else is counted and tried again.
            if leased.purpose == MessagePurpose.marketing.rawValue {
                _ = try await outbox.markFailed(
                    leased, reason: "interrupted", error: "the previous attempt stopped before its result was recorded",
                    uncertain: true, now: Timestamp.milliseconds(now))
                DeliveryMetrics.count("interrupted")
                return
            }
            guard try await outbox.recordInterruption(leased, now: Timestamp.milliseconds(now)) else { return }
            message.status = "queued"
        }
        let composition: Composition
        do {
            composition = try await composer.compose(message, now: now)
        } catch {
            return try await retryOrFail(message, error: "\(error)", uncertain: false)
        }
        switch composition {
        case .suppress(let reason):
            _ = try await outbox.markSuppressed(message, reason: reason, now: Timestamp.milliseconds(now))
            DeliveryMetrics.count("suppressed")
        case .impossible(let reason):
            _ = try await outbox.markFailed(message, reason: "unsendable", error: reason, now: Timestamp.milliseconds(now))
            DeliveryMetrics.count("failed")
        case .notYet(let reason):
            try await retryOrFail(message, error: reason, uncertain: false)
        case .later(let at, let reason):
            _ = try await outbox.reschedule(
                message, at: at, error: reason, attempts: message.attempts, uncertain: false, now: Timestamp.milliseconds(now))
        case .readySMS(let to, let from, let body, let providerURL):
            let provider: TwilioRelay
            do {
                guard let chosen = try providerURL.map(TwilioRelay.init(url:)) ?? defaultTextProvider else {
                    return try await retryOrFail(
                        message, error: "no SMS provider is configured (PATRON_SMS_URL or the store's SMS URL)", uncertain: false)
                }
                provider = chosen
            } catch {
                return try await retryOrFail(message, error: "\(error)", uncertain: false)
            }
            guard try await outbox.markSending(message, recipient: to, subject: nil, now: Timestamp.milliseconds(clock()))
            else { return }
            try await sendText(to: to, from: from, body: body, message: message.markedSending(), provider: provider)
        case .ready(let email, let relayURL, let signer):
            let relay: SMTPRelay
            do {
                guard let chosen = try relayURL.map(SMTPRelay.init(url:)) ?? defaultRelay else {
                    return try await retryOrFail(
                        message, error: "no SMTP relay is configured (PATRON_SMTP_URL or the store's smtp URL)",
                        uncertain: false)
                }
                relay = chosen
            } catch {
                return try await retryOrFail(message, error: "\(error)", uncertain: false)
            }
            guard
                try await outbox.markSending(
                    message, recipient: email.to.address, subject: email.subject, now: Timestamp.milliseconds(clock()))
            else { return }
            try await send(email, message: message, relay: relay, signer: signer)
        }
    }

    func send(_ email: EmailMessage, message: OutboxMessage, relay: SMTPRelay, signer: DKIMSigner?) async throws {
        let sending = message.markedSending()
        do {
            let reply = try await mailers.mailer(for: relay).send(email, signer: signer)
            _ = try await outbox.markSent(sending, response: "\(reply.code) \(reply.text)", now: Timestamp.milliseconds(clock()))
            DeliveryMetrics.count("sent")
        } catch let error as SMTPError {
            if case .rejected(let stage, let response) = error, error.isPermanent {
                if stage == "RCPT TO" && [550, 551, 553].contains(response.code) {
                    try await outbox.database.write(store: message.store) { sql in
                        try await SuppressionList.add(
                            channel: "email", address: email.to.address, reason: "bounce",
                            source: "\(response.code) \(response.text)",
                            store: message.store, now: Timestamp.milliseconds(clock()), in: sql)
                    }
                }
                _ = try await outbox.markFailed(
                    sending, reason: "rejected", error: error.description, now: Timestamp.milliseconds(clock()))
                DeliveryMetrics.count("failed")
                return
            }
            if error.isPermanent {
                _ = try await outbox.markFailed(
                    sending, reason: "unsendable", error: error.description, now: Timestamp.milliseconds(clock()))
                return
            }
            try await retryOrFail(sending, error: error.description, uncertain: Self.outcomeUnknown(error))
        } catch let error as HeaderInjection {
            _ = try await outbox.markFailed(
                sending, reason: "unsendable", error: error.description, now: Timestamp.milliseconds(clock()))
        } catch {
            try await retryOrFail(sending, error: "\(error)", uncertain: false)
        }
    }

    func sendText(to: String, from: String, body: String, message: OutboxMessage, provider: TwilioRelay) async throws {
        let now = { Timestamp.milliseconds(clock()) }
        switch await provider.send(to: to, from: from, body: body) {
        case .accepted(let id, let status):
            _ = try await outbox.markSent(message, response: "\(id) \(status)", now: now())
            DeliveryMetrics.count("sent")
        case .unreachable(let reason):
            let number = to.replacingOccurrences(of: "whatsapp:", with: "")
            try await outbox.database.write(store: message.store) { sql in
                try await SuppressionList.add(
                    channel: "sms", address: number, reason: "unreachable", source: reason, store: message.store, now: now(),
                    in: sql)
            }
            _ = try await outbox.markFailed(message, reason: "rejected", error: reason, now: now())
        case .rejected(let reason):
            _ = try await outbox.markFailed(message, reason: "rejected", error: reason, now: now())
        case .retry(let reason):
            // Without an HTTP answer the provider may have taken the message.
            try await retryOrFail(message, error: reason, uncertain: !reason.hasPrefix("HTTP"))
        }
    }

    /// The relay may or may not have taken the message: the connection broke or timed out after the
    /// content was on its way.
    static func outcomeUnknown(_ error: SMTPError) -> Bool {
        switch error {
        case .timeout(let stage): stage == "message content"
        default: false
        }
    }

    func retryOrFail(_ message: OutboxMessage, error: String, uncertain: Bool) async throws {
        let now = Timestamp.milliseconds(clock())
        let attempts = message.attempts + (message.status == "sending" ? 0 : 1)
        if uncertain && message.purpose == MessagePurpose.marketing.rawValue {
            _ = try await outbox.markFailed(message, reason: "interrupted", error: error, uncertain: true, now: now)
            return
        }
        if attempts >= maxAttempts {
            _ = try await outbox.markFailed(message, reason: "attempts_exhausted", error: error, uncertain: uncertain, now: now)
            DeliveryMetrics.count("failed")
            return
        }
        let retryAt = now + JobWorker.backoffMilliseconds(attempts: max(1, attempts))
        _ = try await outbox.reschedule(
            message, at: retryAt, error: error, attempts: attempts, uncertain: uncertain, now: now)
        logger.warning(
            "delivery will be retried",
            metadata: ["message": "\(message.id)", "error": "\(error)", "retry": "in \((retryAt - now) / 1_000) s"])
    }
}

extension OutboxMessage {
    /// The message as `markSending` left it in the database: sending, one more attempt used.
    func markedSending() -> OutboxMessage {
        var copy = self
        copy.status = "sending"
        copy.attempts += 1
        return copy
    }
}

enum DeliveryMetrics {
    static func count(_ outcome: String) {
        Counter(label: "patron_messages_total", dimensions: [("outcome", outcome)]).increment()
    }
}
