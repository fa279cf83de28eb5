import ArgumentParser
import Foundation
import PatronHTTP
import PatronMessaging

/// Where `serve` and `worker` send mail.
struct DeliveryOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Default SMTP relay: smtp://user:pass@host:port[?starttls=required|opportunistic|off] or smtps://... (default: $PATRON_SMTP_URL).",
            valueName: "url"))
    var smtpURL: String?

    /// Sets every delivery setting of `configuration` from these options and their variables.
    func apply(to configuration: inout PatronConfiguration) throws {
        configuration.smtpRelay = try relay()
        configuration.deliveryLeaseSeconds = try leaseSeconds()
        configuration.flowScanIntervalSeconds = try flowScanInterval()
        configuration.allowPrivateWebhooks = try allowPrivateWebhooks()
        if let url = try publicBaseURL() { configuration.publicURL = url }
        configuration.textProvider = try textProvider()
    }

    func relay() throws -> SMTPRelay? {
        let source = smtpURL != nil ? "--smtp-url" : "PATRON_SMTP_URL"
        guard let text = smtpURL ?? ProcessInfo.processInfo.environment["PATRON_SMTP_URL"], !text.isEmpty else { return nil }
        do {
            return try SMTPRelay(url: text)
        } catch {
            throw UserError("\(source): \(error)")
        }
    }

    @Option(
        help: ArgumentHelp(
            "The address shoppers reach Patron at, for tracked links and unsubscribe pages (default: $PATRON_PUBLIC_URL or http://HOST:PORT).",
            valueName: "url"))
    var publicURL: String?

    func publicBaseURL() throws -> String? {
        guard let text = publicURL ?? ProcessInfo.processInfo.environment["PATRON_PUBLIC_URL"], !text.isEmpty else { return nil }
        guard let url = URLComponents(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw UserError("\(publicURL != nil ? "--public-url" : "PATRON_PUBLIC_URL") must be an http(s) URL, got \(text)")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    func textProvider() throws -> TwilioRelay? {
        guard let text = ProcessInfo.processInfo.environment["PATRON_SMS_URL"], !text.isEmpty else { return nil }
        do {
            return try TwilioRelay(url: text)
        } catch {
            throw UserError("PATRON_SMS_URL: \(error)")
        }
    }

    func flowScanInterval() throws -> Int {
        try setting(nil, flag: "", variable: "PATRON_FLOW_SCAN_INTERVAL", range: 0...86_400, default: 900)
    }

    func allowPrivateWebhooks() throws -> Bool {
        switch ProcessInfo.processInfo.environment["PATRON_ALLOW_PRIVATE_WEBHOOKS"] {
        case nil, "", "0", "false": return false
        case "1", "true": return true
        case let other?: throw UserError("PATRON_ALLOW_PRIVATE_WEBHOOKS must be true or false, got \(other)")
        }
    }

    func leaseSeconds() throws -> Int {
        try setting(nil, flag: "", variable: "PATRON_DELIVERY_LEASE_SECONDS", range: 1...3_600, default: 60)
    }
}
