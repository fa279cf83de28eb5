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

    init(greeting: EventLoopPromise<SMTPResponse>) {
        waiting = [greeting]
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
