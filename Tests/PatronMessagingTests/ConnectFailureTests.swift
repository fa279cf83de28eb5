import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@testable import PatronMessaging

/// A peer that is down must be an error the caller can retry, never a crash: a promise left pending
/// when the connection fails is a leak that NIO traps on in debug builds.
@Suite("Connecting to a peer that is down")
struct ConnectFailureTests {
    /// A port nothing listens on: bound, then closed.
    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        return port
    }

    @Test("an HTTP POST to a closed port throws")
    func httpPost() async throws {
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: try await Self.closedPort())
        await #expect(throws: (any Error).self) {
            _ = try await HTTPPost.send(to: address, tlsHost: nil, path: "/", headers: [:], body: [])
        }
        await #expect(throws: (any Error).self) {
            _ = try await HTTPPost.send(to: address, tlsHost: "example.test", path: "/", headers: [:], body: [])
        }
    }

    @Test("an SMTP connection to a closed port throws")
    func smtp() async throws {
        let relay = try SMTPRelay(url: "smtp://127.0.0.1:\(try await Self.closedPort())?starttls=off")
        await #expect(throws: (any Error).self) { _ = try await SMTPConnection.open(relay) }
    }
}
