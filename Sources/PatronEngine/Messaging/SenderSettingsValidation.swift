import PatronCore
import PatronMessaging
import PatronStore

extension SenderSettings.Changes {
    /// Every problem with the changes, named by field (`fromEmail`, `smtpUrl`...), checked against the
    /// settings they will apply to (a DKIM key is tried with the From domain it will sign for).
    public func validationErrors(applyingTo current: SenderSettings?) -> [FieldError] {
        var errors: [FieldError] = []
        func lineBreakFree(_ value: String?, _ field: String) {
            if let value, value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
                errors.append(FieldError(field: field, message: "must not contain a line break"))
            }
        }
        if let fromEmail, !fromEmail.isEmpty, !EmailAddress.isValid(fromEmail) {
            errors.append(FieldError(field: "fromEmail", message: "expected an email address like shop@example.com"))
        }
        if let replyTo, !replyTo.isEmpty, !EmailAddress.isValid(replyTo) {
            errors.append(FieldError(field: "replyTo", message: "expected an email address"))
        }
        if let fromName, fromName.count > 100 {
            errors.append(FieldError(field: "fromName", message: "must be at most 100 characters"))
        }
        lineBreakFree(fromName, "fromName")
        if let smtpURL, !smtpURL.isEmpty {
            do { _ = try SMTPRelay(url: smtpURL) } catch { errors.append(FieldError(field: "smtpUrl", message: "\(error)")) }
        }
        let selector = (dkimSelector ?? current?.dkimSelector).flatMap { $0.isEmpty ? nil : $0 }
        let key = (dkimPrivateKey ?? current?.dkimPrivateKey).flatMap { $0.isEmpty ? nil : $0 }
        let domain = Mailbox(address: fromEmail ?? current?.fromEmail ?? "").domain
        switch (selector, key) {
        case (let selector?, let key?):
            if domain.isEmpty {
                errors.append(FieldError(field: "fromEmail", message: "DKIM signing needs a From address to sign for"))
            } else {
                do {
                    _ = try DKIMSigner(domain: domain, selector: selector, privateKeyPEM: key)
                } catch {
                    errors.append(
                        FieldError(field: dkimPrivateKey != nil ? "dkimPrivateKey" : "dkimSelector", message: "\(error)"))
                }
            }
        case (nil, nil):
            break
        default:
            errors.append(
                FieldError(
                    field: selector == nil ? "dkimSelector" : "dkimPrivateKey",
                    message: "DKIM needs both a selector and a private key"))
        }
        if let smsURL, !smsURL.isEmpty {
            do { _ = try TwilioRelay(url: smsURL) } catch { errors.append(FieldError(field: "smsUrl", message: "\(error)")) }
        }
        for (field, number) in [("smsFrom", smsFrom), ("whatsappFrom", whatsappFrom)] {
            if let number, !number.isEmpty, PhoneNumber.e164(number) == nil {
                errors.append(FieldError(field: field, message: "expected a phone number in E.164 form, like +15551234567"))
            }
        }
        if let branding {
            if branding.objectValue == nil {
                errors.append(FieldError(field: "branding", message: "expected an object"))
            } else if let color = branding["color"], MessageScope.validColor(color.stringValue) == nil {
                errors.append(FieldError(field: "branding.color", message: "expected a colour like #1f6f5c"))
            } else if let logo = branding["logoUrl"], logo.stringValue?.hasPrefix("https://") != true {
                errors.append(FieldError(field: "branding.logoUrl", message: "expected an https:// URL"))
            } else if let url = branding["url"],
                url.stringValue.map({ $0.hasPrefix("https://") || $0.hasPrefix("http://") }) != true
            {
                errors.append(FieldError(field: "branding.url", message: "expected the shop's http(s) address"))
            }
        }
        return errors
    }
}
