import Foundation
import NIOCore

/// Hands messages to one relay over a connection it keeps open between messages (reconnecting when
/// the relay closed it or it sat idle too long), signing each with DKIM when a signer is given.
public actor SMTPMailer {
    public let relay: SMTPRelay
    let idleLimit: Duration
    let replyTimeout: TimeAmount
    private var connection: SMTPConnection?
    private var lastUsed = ContinuousClock.now

    public init(relay: SMTPRelay, idleLimit: Duration = .seconds(20), replyTimeout: TimeAmount = .seconds(60)) {
        self.relay = relay
        self.idleLimit = idleLimit
        self.replyTimeout = replyTimeout
    }

    /// Sends the message and returns the relay's acceptance ("250 ... queued as ...").
    public func send(_ message: EmailMessage, signer: DKIMSigner?) async throws -> SMTPResponse {
        let connection = try await connected()
        let document = try message.document(utf8Allowed: connection.acceptsUTF8 && message.needsUTF8Envelope)
        let signed = try signer?.sign(document, at: message.date) ?? document
        do {
            let reply = try await connection.send(signed, from: message.from, to: message.to)
            lastUsed = .now
            return reply
        } catch {
            if !connection.isActive { self.connection = nil }
            throw error
        }
    }

    public func close() async {
        await connection?.close()
        connection = nil
    }

    private func connected() async throws -> SMTPConnection {
        if let connection, connection.isActive, ContinuousClock.now - lastUsed < idleLimit { return connection }
        await connection?.close()
        connection = nil
        let fresh = try await SMTPConnection.open(relay, replyTimeout: replyTimeout)
        connection = fresh
        lastUsed = .now
        return fresh
    }
}
