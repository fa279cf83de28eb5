import Foundation
import NIOCore

/// A command (or the message content after DATA) and the promise of the reply to it.
struct SMTPRequest: Sendable {
    var bytes: ByteBuffer
    var reply: EventLoopPromise<SMTPResponse>
}

/// Pairs replies with requests in order (SMTP answers every command, in sequence). The first reply,
/// the greeting, goes to the promise given at creation. A closed connection or an error fails every
/// waiting request.
final class SMTPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = SMTPResponse
    typealias OutboundIn = SMTPRequest
    typealias OutboundOut = ByteBuffer

    private var waiting: CircularBuffer<EventLoopPromise<SMTPResponse>>
    let closeReason: CloseReason

    init(greeting: EventLoopPromise<SMTPResponse>, closeReason: CloseReason) {
        waiting = [greeting]
        self.closeReason = closeReason
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        waiting.append(request.reply)
        context.write(wrapOutboundOut(request.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let response = unwrapInboundIn(data)
        guard let next = waiting.popFirst() else {
            context.fireErrorCaught(SMTPError.malformedResponse("unexpected reply \(response.code) \(response.text)"))
            return
        }
        next.succeed(response)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closeReason.record(error)
        failAll(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(SMTPError.connectionClosed)
        context.fireChannelInactive()
    }

    private func failAll(_ error: any Error) {
        while let promise = waiting.popFirst() { promise.fail(error) }
    }
}

/// The error that closed a connection (a failed TLS handshake, say), so a command written afterwards
/// reports it instead of "I/O on closed channel".
final class CloseReason: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (any Error)?

    func record(_ error: any Error) {
        lock.withLock { if self.error == nil { self.error = error } }
    }

    var recorded: (any Error)? { lock.withLock { error } }
}
