import ArgumentParser
import Foundation
import PatronMessaging

/// Where `serve` and `worker` send mail.
struct DeliveryOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Default SMTP relay: smtp://user:pass@host:port[?starttls=required|opportunistic|off] or smtps://... (default: $PATRON_SMTP_URL).",
            valueName: "url"))
    var smtpURL: String?

    func relay() throws -> SMTPRelay? {
        let source = smtpURL != nil ? "--smtp-url" : "PATRON_SMTP_URL"
        guard let text = smtpURL ?? ProcessInfo.processInfo.environment["PATRON_SMTP_URL"], !text.isEmpty else { return nil }
        do {
            return try SMTPRelay(url: text)
        } catch {
            throw UserError("\(source): \(error)")
        }
    }

    func leaseSeconds() throws -> Int {
        try setting(nil, flag: "", variable: "PATRON_DELIVERY_LEASE_SECONDS", range: 1...3_600, default: 60)
    }
}
