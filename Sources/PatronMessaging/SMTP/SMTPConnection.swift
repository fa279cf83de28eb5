import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One conversation with a relay: connect (TLS from the start for smtps), EHLO, STARTTLS when offered
/// or required, AUTH PLAIN or LOGIN, then any number of messages (MAIL, RCPT, DATA, and RSET after a
/// refusal), then QUIT. Every reply has a deadline; a missed one closes the connection.
public final class SMTPConnection: Sendable {
    let channel: any Channel
    let relay: SMTPRelay
    /// EHLO keywords, upper-cased ("STARTTLS", "SMTPUTF8", "AUTH PLAIN LOGIN" as "AUTH").
    public let extensions: [String: [String]]
    public let isTLS: Bool
    let replyTimeout: TimeAmount
    let closeReason: CloseReason

    private init(
        channel: any Channel, relay: SMTPRelay, extensions: [String: [String]], isTLS: Bool, replyTimeout: TimeAmount,
        closeReason: CloseReason
    ) {
        self.closeReason = closeReason
        self.channel = channel
        self.relay = relay
        self.extensions = extensions
        self.isTLS = isTLS
        self.replyTimeout = replyTimeout
    }

    public var isActive: Bool { channel.isActive }
    public var acceptsUTF8: Bool { extensions["SMTPUTF8"] != nil }

    public static func open(
        _ relay: SMTPRelay, replyTimeout: TimeAmount = .seconds(60),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> SMTPConnection {
        let tls = try (relay.implicitTLS || relay.startTLS != .off) ? makeTLSContext(relay) : nil
        let greeting = group.any().makePromise(of: SMTPResponse.self)
        let implicitContext = relay.implicitTLS ? tls : nil
        let host = relay.host
        let closeReason = CloseReason()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: greeting.futureResult.eventLoop)
                .connectTimeout(.seconds(15))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let implicitContext {
                            try channel.pipeline.syncOperations.addHandler(
                                try NIOSSLClientHandler(context: implicitContext, serverHostname: serverName(host)))
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPResponseDecoder()))
                        try channel.pipeline.syncOperations.addHandler(
                            SMTPClientHandler(greeting: greeting, closeReason: closeReason))
                    }
                }
                .connect(host: relay.host, port: relay.port).get()
        } catch {
            // No greeting will come: a promise left pending is a leak NIO traps on in debug builds.
            greeting.fail(error)
            throw error
        }
        do {
            let timeout = channel.eventLoop.scheduleTask(in: replyTimeout) {
                greeting.fail(SMTPError.timeout(stage: "the greeting"))
                channel.close(promise: nil)
            }
            let hello = try await greeting.futureResult.get()
            timeout.cancel()
            guard hello.code == 220 else { throw SMTPError.rejected(stage: "greeting", response: hello) }
            var connection = SMTPConnection(
                channel: channel, relay: relay, extensions: [:], isTLS: relay.implicitTLS, replyTimeout: replyTimeout,
                closeReason: closeReason)
            connection = try await connection.hello()
            if !connection.isTLS && relay.startTLS != .off {
                if connection.extensions["STARTTLS"] != nil, let tls {
                    try await connection.expect("STARTTLS", 220, stage: "STARTTLS")
                    try await channel.eventLoop.submit {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: serverName(host)), position: .first)
                    }.get()
                    connection = SMTPConnection(
                        channel: channel, relay: relay, extensions: [:], isTLS: true, replyTimeout: replyTimeout,
                        closeReason: closeReason)
                    connection = try await connection.hello()
                } else if relay.startTLS == .required {
                    throw SMTPError.tlsRequired
                }
            }
            try await connection.authenticate()
            return connection
        } catch {
            try? await channel.close()
            throw error
        }
    }

    /// Sends one message; returns the server's acceptance reply. A refused message is followed by RSET so
    /// the connection can carry the next one.
    @discardableResult
    public func send(_ document: MIMEDocument, from: Mailbox, to: Mailbox) async throws -> SMTPResponse {
        if (from.needsUTF8 || to.needsUTF8) && !acceptsUTF8 { throw SMTPError.utf8NotSupported }
        let utf8 = acceptsUTF8 && (from.needsUTF8 || to.needsUTF8) ? " SMTPUTF8" : ""
        do {
            try await expect("MAIL FROM:<\(from.address)>\(utf8)", 250, stage: "MAIL FROM")
            try await expect("RCPT TO:<\(to.address)>", 250, 251, stage: "RCPT TO")
            try await expect("DATA", 354, stage: "DATA")
            let accepted = try await exchange(Self.dotStuffed(document.rendered) + ".\r\n", stage: "message content")
            guard accepted.code == 250 else { throw SMTPError.rejected(stage: "message content", response: accepted) }
            return accepted
        } catch let error as SMTPError {
            if case .rejected = error, channel.isActive { _ = try? await exchange("RSET\r\n", stage: "RSET") }
            throw error
        }
    }

    public func close() async {
        if channel.isActive { _ = try? await exchange("QUIT\r\n", stage: "QUIT") }
        try? await channel.close()
    }

    private func hello() async throws -> SMTPConnection {
        let reply = try await exchange("EHLO \(relay.heloName)\r\n", stage: "EHLO")
        guard reply.code == 250 else { throw SMTPError.rejected(stage: "EHLO", response: reply) }
        var extensions: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            let words = line.split(separator: " ").map(String.init)
            guard let keyword = words.first?.uppercased() else { continue }
            extensions[keyword] = words.dropFirst().map { $0.uppercased() }
        }
        return SMTPConnection(
            channel: channel, relay: relay, extensions: extensions, isTLS: isTLS, replyTimeout: replyTimeout,
            closeReason: closeReason)
    }

    private func authenticate() async throws {
        guard let username = relay.username, let password = relay.password else { return }
        guard isTLS || relay.startTLS == .off else { throw SMTPError.credentialsWithoutTLS }
        let mechanisms = extensions["AUTH"] ?? []
        if mechanisms.contains("PLAIN") {
            let token = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
            try await expect("AUTH PLAIN \(token)", 235, stage: "AUTH PLAIN")
        } else if mechanisms.contains("LOGIN") {
            try await expect("AUTH LOGIN", 334, stage: "AUTH LOGIN")
            try await expect(Data(username.utf8).base64EncodedString(), 334, stage: "AUTH LOGIN user name")
            try await expect(Data(password.utf8).base64EncodedString(), 235, stage: "AUTH LOGIN password")
        } else {
            throw SMTPError.authenticationUnsupported(offered: mechanisms)
        }
    }

    private func expect(_ command: String, _ codes: Int..., stage: String) async throws {
        let reply = try await exchange(command + "\r\n", stage: stage)
        guard codes.contains(reply.code) else { throw SMTPError.rejected(stage: stage, response: reply) }
    }

    private func exchange(_ text: String, stage: String) async throws -> SMTPResponse {
        let reply = channel.eventLoop.makePromise(of: SMTPResponse.self)
        let channel = self.channel
        // A second completion of a promise is ignored, so the deadline can fail it and close the channel.
        let timeout = channel.eventLoop.scheduleTask(in: replyTimeout) {
            reply.fail(SMTPError.timeout(stage: stage))
            channel.close(promise: nil)
        }
        defer { timeout.cancel() }
        // A write to a connection that already closed (a failed TLS handshake) fails the reply at once.
        let closeReason = self.closeReason
        channel.writeAndFlush(SMTPRequest(bytes: ByteBuffer(string: text), reply: reply)).whenFailure { error in
            reply.fail(closeReason.recorded ?? error)
        }
        return try await reply.futureResult.get()
    }

    /// Lines starting with "." get another "." (RFC 5321 4.5.2); the content ends with CRLF.
    static func dotStuffed(_ content: String) -> String {
        var text = content.hasSuffix("\r\n") ? content : content + "\r\n"
        if text.hasPrefix(".") { text = "." + text }
        return text.replacingOccurrences(of: "\r\n.", with: "\r\n..")
    }

    static func makeTLSContext(_ relay: SMTPRelay) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile = relay.caFile { configuration.additionalTrustRoots = [.file(caFile)] }
        if !relay.verifyCertificates { configuration.certificateVerification = .none }
        return try NIOSSLContext(configuration: configuration)
    }

    /// SNI takes names only, never IP literals.
    static func serverName(_ host: String) -> String? {
        host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" } ? nil : host
    }
}
