import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One HTTP/1.1 POST over our own small NIO client: to an address already chosen (and checked) by the
/// caller, TLS with SNI for https, a deadline for the whole exchange, no redirects followed.
public enum HTTPPost {
    public struct Reply: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: [UInt8]
    }

    public static func send(
        to address: SocketAddress, tlsHost: String?, path: String, headers: HTTPHeaders, body: [UInt8],
        timeout: TimeAmount = .seconds(30), maxResponseBytes: Int = 1 << 20
    ) async throws -> Reply {
        let tls = try tlsHost.map { _ in try NIOSSLContext(configuration: .makeClientConfiguration()) }
        let reply = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: Reply.self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: reply.futureResult.eventLoop)
                .connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls, let tlsHost {
                            let serverName = tlsHost.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" } ? nil : tlsHost
                            try channel.pipeline.syncOperations.addHandler(
                                try NIOSSLClientHandler(context: tls, serverHostname: serverName))
                        }
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(ReplyCollector(reply: reply, limit: maxResponseBytes))
                    }
                }
                .connect(to: address).get()
        } catch {
            // Nothing will ever answer: a promise left pending is a leak NIO traps on in debug builds.
            reply.fail(error)
            throw error
        }
        let deadline = channel.eventLoop.scheduleTask(in: timeout) {
            reply.fail(ChannelError.connectTimeout(timeout))
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let received = try await reply.futureResult.get()
        try? await channel.close()
        return received
    }
}

/// Collects the response head and body (up to a limit) and completes at the end of the message.
final class ReplyCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    let reply: EventLoopPromise<HTTPPost.Reply>
    let limit: Int
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []

    init(reply: EventLoopPromise<HTTPPost.Reply>, limit: Int) {
        self.reply = reply
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let response): head = response
        case .body(let buffer):
            if body.count < limit { body += buffer.readableBytesView.prefix(limit - body.count) }
        case .end:
            if let head { reply.succeed(HTTPPost.Reply(status: Int(head.status.code), headers: head.headers, body: body)) }
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        reply.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let head { reply.succeed(HTTPPost.Reply(status: Int(head.status.code), headers: head.headers, body: body)) }
        reply.fail(ChannelError.eof)
        context.fireChannelInactive()
    }
}
