import NIOCore

/// One SMTP reply: the three-digit code and its text lines (several for EHLO).
public struct SMTPResponse: Sendable, Equatable {
    public var code: Int
    public var lines: [String]

    public var text: String { lines.joined(separator: " ") }
    public var isPositive: Bool { code >= 200 && code < 400 }
}

public enum SMTPError: Error, CustomStringConvertible, Equatable {
    /// The server answered a command with an error code: 4xx is worth retrying, 5xx is not.
    case rejected(stage: String, response: SMTPResponse)
    case malformedResponse(String)
    case connectionClosed
    case timeout(stage: String)
    case tlsRequired
    case credentialsWithoutTLS
    case utf8NotSupported
    case authenticationUnsupported(offered: [String])

    /// True when sending the same message again later cannot succeed.
    public var isPermanent: Bool {
        switch self {
        case .rejected(_, let response): response.code >= 500
        case .utf8NotSupported: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .rejected(let stage, let response): "SMTP \(stage) rejected: \(response.code) \(response.text)"
        case .malformedResponse(let line): "malformed SMTP response: \(line.prefix(200))"
        case .connectionClosed: "the SMTP connection closed"
        case .timeout(let stage): "the SMTP server did not answer \(stage) in time"
        case .tlsRequired: "the relay does not offer STARTTLS and starttls=required"
        case .credentialsWithoutTLS:
            "refusing to send SMTP credentials without TLS (use smtps://, STARTTLS, or starttls=off to allow it)"
        case .utf8NotSupported: "the address needs SMTPUTF8 (RFC 6531) and the relay does not offer it"
        case .authenticationUnsupported(let offered):
            "the relay offers no AUTH mechanism Patron speaks (PLAIN, LOGIN); it offers \(offered.joined(separator: " "))"
        }
    }
}

/// Splits the byte stream into replies: lines "250-..." continue a reply, "250 ..." ends it.
struct SMTPResponseDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPResponse

    private var lines: [String] = []
    static let maximumLineLength = 4_096

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if view.count > Self.maximumLineLength { throw SMTPError.malformedResponse("line too long") }
            return .needMoreData
        }
        let length = view.distance(from: view.startIndex, to: newline) + 1
        // Bytes, not Characters: "\r\n" is one Character in Swift, so String suffix checks miss it.
        var bytes = buffer.readBytes(length: length) ?? []
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        let line = String(decoding: bytes, as: UTF8.self)
        guard bytes.count >= 3, bytes[0..<3].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let code = Int(line.prefix(3))
        else { throw SMTPError.malformedResponse(line) }
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        if bytes.count > 3 && bytes[3] == UInt8(ascii: "-") { return .continue }
        let response = SMTPResponse(code: code, lines: lines)
        lines = []
        context.fireChannelRead(Self.wrapInboundOut(response))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
