import Foundation

/// Whether a message is a reply to something the shopper did (an order, a shipment) or a marketing
/// message they may opt out of. Marketing mail carries one-click unsubscribe headers.
public enum MessagePurpose: String, Sendable, CaseIterable {
    case transactional
    case marketing
}

/// One email ready to be written as RFC 5322 text: multipart plain text + HTML.
public struct EmailMessage: Sendable {
    public var from: Mailbox
    public var to: Mailbox
    public var replyTo: Mailbox?
    public var subject: String
    public var text: String
    public var html: String
    /// Without the angle brackets: "id@domain".
    public var messageId: String
    public var date: Date
    /// The one-click unsubscribe URL (RFC 8058); marketing mail must have one.
    public var unsubscribeURL: String?
    /// Extra headers, such as `X-Patron-Message`; names must be ASCII tokens.
    public var extraHeaders: [(name: String, value: String)]

    public init(
        from: Mailbox, to: Mailbox, subject: String, text: String, html: String, messageId: String, date: Date,
        replyTo: Mailbox? = nil, unsubscribeURL: String? = nil, extraHeaders: [(name: String, value: String)] = []
    ) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.text = text
        self.html = html
        self.messageId = messageId
        self.date = date
        self.unsubscribeURL = unsubscribeURL
        self.extraHeaders = extraHeaders
    }

    /// True when an address or header needs SMTPUTF8 to be sent without encoding.
    public var needsUTF8Envelope: Bool { from.needsUTF8 || to.needsUTF8 }
}
