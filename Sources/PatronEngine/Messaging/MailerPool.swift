import PatronMessaging

/// One kept-open SMTP connection per relay for one delivery worker.
public actor MailerPool {
    private var mailers: [String: SMTPMailer] = [:]

    public init() {}

    public func mailer(for relay: SMTPRelay) -> SMTPMailer {
        let key = "\(relay)|\(relay.startTLS)|\(relay.caFile ?? "")|\(relay.password ?? "")"
        if let existing = mailers[key] { return existing }
        let mailer = SMTPMailer(relay: relay)
        mailers[key] = mailer
        return mailer
    }

    public func closeAll() async {
        for mailer in mailers.values { await mailer.close() }
        mailers = [:]
    }
}
