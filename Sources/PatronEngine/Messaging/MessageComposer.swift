import Foundation
import PatronCore
import PatronMessaging
import PatronStore
import SQLKit

/// What to do with a leased message once its data is read.
public enum Composition: Sendable {
    case ready(EmailMessage, relayURL: String?, signer: DKIMSigner?)
    /// A guardrail said no; recorded with the reason, never retried.
    case suppress(String)
    /// A text message (SMS, or WhatsApp with `whatsapp:` numbers) ready for the provider.
    case readySMS(to: String, from: String, body: String, providerURL: String?)
    /// Not now (quiet hours): queued again for the given time, without using an attempt.
    case later(Int64, String)
    /// Something the merchant can fix (no From address, no relay): retried with backoff.
    case notYet(String)
    /// The message can never be built (its order is gone, the template is broken).
    case impossible(String)
}

/// Turns an outbox row into an email: reads the store's sender settings, the customer and what the
/// message is about, applies the send-time guardrails, and renders the template.
public struct MessageComposer: Sendable {
    public let database: Database
    public let templates: EmailTemplates
    public let guardrails: Guardrails
    /// Signed links (tracking, unsubscribe, preferences); nil renders without them (previews).
    public let links: MessageLinks?

    public init(
        database: Database, templates: EmailTemplates, guardrails: Guardrails = Guardrails(), links: MessageLinks? = nil
    ) {
        self.database = database
        self.templates = templates
        self.guardrails = guardrails
        self.links = links
    }

    /// `applyGuardrails: false` is for previews, which render whatever the guardrails would say.
    public func compose(_ message: OutboxMessage, now: Date, applyGuardrails: Bool = true) async throws -> Composition {
        if message.channel == "sms" || message.channel == "whatsapp" {
            return try await composeText(message, now: now, applyGuardrails: applyGuardrails)
        }
        guard message.channel == "email" else { return .impossible("the \(message.channel) channel is not available") }
        return try await database.read { sql in
            guard let sender = try await StoreRepository.senderSettings(store: message.store, in: sql) else {
                return .impossible("the store no longer exists")
            }
            guard let fromEmail = sender.fromEmail, !fromEmail.isEmpty else {
                return .notYet("the store has no From address (patron stores update \(message.store) --from-email ...)")
            }
            let reader = StoreReader(sql: sql, storeID: message.store)
            let customer = try await message.customer.asyncMap { try await reader.customer(id: $0) } ?? nil
            let order = try await idValue(message.context["orderId"]).asyncMap { try await reader.order(id: $0) } ?? nil
            let shipment = try await idValue(message.context["shipmentId"]).asyncMap { try await reader.shipment(id: $0) } ?? nil
            if message.context["orderId"].map({ !$0.isNull }) == true && order == nil {
                return .impossible("the order is gone (erased or deleted)")
            }
            if message.context["shipmentId"] != nil && shipment == nil { return .impossible("the shipment is gone") }
            guard let recipient = customer?["email"]?.stringValue ?? order?["email"]?.stringValue, !recipient.isEmpty else {
                return .suppress("no_email_address")
            }
            if applyGuardrails,
                let refusal = try await guardrails.refusal(
                    for: message, address: recipient, customer: customer, now: Timestamp.milliseconds(now), in: sql)
            {
                return .suppress(refusal)
            }
            let milestone = message.context["milestone"]?.stringValue.flatMap(ShipmentMilestone.init(rawValue:))
            let extras = try await MessageExtras.build(
                template: message.template, context: message.context, customer: message.customer, customerDocument: customer,
                storeURL: MessageScope.storeURL(sender), store: message.store, now: Timestamp.milliseconds(now), sql: sql)
            if message.template == "product-tips" && extras["hasTips"] == .bool(false) {
                return .suppress("no_matching_snippets")
            }
            if message.template == "cross-sell" && extras["recommendations"]?["has"] != .bool(true) {
                return .suppress("no_recommendations")
            }
            let isMarketing = message.purpose == MessagePurpose.marketing.rawValue
            let signed = links.flatMap { links in message.customer.map { links.for(message: message, customer: $0, now: now) } }
            var linkScope: [String: JSONValue] = [:]
            if isMarketing, let signed {
                linkScope = ["unsubscribe": .string(signed.unsubscribe), "preferences": .string(signed.preferences)]
            }
            let scope = MessageScope.build(
                sender: sender, customer: customer, recipient: recipient, order: order, shipment: shipment,
                milestone: milestone, purpose: message.purpose, links: .object(linkScope), extras: extras)
            var rendered: RenderedEmail
            do {
                rendered = try templates.render(message.template, scope: scope)
            } catch {
                return .impossible("template \(message.template): \(error)")
            }
            if let links, let signed {
                rendered.html = TrackedHTML.rewrite(
                    rendered.html, keep: links.baseURL, track: signed.click, pixel: signed.openPixel)
            }
            let from = Mailbox(address: fromEmail, name: sender.fromName ?? sender.storeName)
            // Shopper-supplied names go into a header: line breaks and other white space runs become one space,
            // so a name can neither add a header nor stop the message.
            let name = [customer?["firstName"]?.stringValue, customer?["lastName"]?.stringValue].compactMap { $0 }
                .joined(separator: " ").split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
            let email = EmailMessage(
                from: from, to: Mailbox(address: recipient, name: name.isEmpty ? nil : name), subject: rendered.subject,
                text: rendered.text, html: rendered.html, messageId: "\(message.messageId)@\(from.domain)", date: now,
                replyTo: sender.replyTo.map { Mailbox(address: $0) }, unsubscribeURL: isMarketing ? signed?.unsubscribe : nil)
            let signer: DKIMSigner?
            do {
                signer = try sender.dkimSigner()
            } catch {
                return .notYet("\(error)")
            }
            return .ready(email, relayURL: sender.smtpURL, signer: signer)
        }
    }

    func idValue(_ value: JSONValue?) -> Int64? {
        if case .int(let id) = value ?? .null { return id }
        return nil
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

extension MessageComposer {
    /// SMS and WhatsApp: the `NAME.sms` template, the customer's phone in E.164, the text guardrails.
    func composeText(_ message: OutboxMessage, now: Date, applyGuardrails: Bool) async throws -> Composition {
        try await database.read { sql in
            guard let sender = try await StoreRepository.senderSettings(store: message.store, in: sql) else {
                return .impossible("the store no longer exists")
            }
            let whatsapp = message.channel == "whatsapp"
            guard let from = (whatsapp ? sender.whatsappFrom : sender.smsFrom).flatMap(PhoneNumber.e164) else {
                return .notYet(
                    "the store has no \(whatsapp ? "WhatsApp" : "SMS") sender number (patron stores update \(message.store) --\(whatsapp ? "whatsapp" : "sms")-from ...)"
                )
            }
            let reader = StoreReader(sql: sql, storeID: message.store)
            let customer = try await message.customer.asyncMap { try await reader.customer(id: $0) } ?? nil
            let order = try await idValue(message.context["orderId"]).asyncMap { try await reader.order(id: $0) } ?? nil
            let shipment = try await idValue(message.context["shipmentId"]).asyncMap { try await reader.shipment(id: $0) } ?? nil
            let phoneText = customer?["phone"]?.stringValue ?? order?["shippingAddress"]?["phone"]?.stringValue
            guard let phone = phoneText.flatMap(PhoneNumber.e164) else { return .suppress("no_phone_number") }
            if applyGuardrails {
                let nowMilliseconds = Timestamp.milliseconds(now)
                if let refusal = try await guardrails.textRefusal(
                    for: message, phone: phone, customer: customer, now: nowMilliseconds, in: sql)
                {
                    return .suppress(refusal)
                }
                if message.purpose == "marketing",
                    let resume = try await guardrails.quietHoursEnd(
                        customer: customer, store: message.store, now: nowMilliseconds, in: sql)
                {
                    return .later(resume, "quiet hours in the customer's time zone")
                }
            }
            let milestone = message.context["milestone"]?.stringValue.flatMap(ShipmentMilestone.init(rawValue:))
            let extras = try await MessageExtras.build(
                template: message.template, context: message.context, customer: message.customer, customerDocument: customer,
                storeURL: MessageScope.storeURL(sender), store: message.store, now: Timestamp.milliseconds(now), sql: sql)
            if message.template == "cross-sell" && extras["recommendations"]?["has"] != .bool(true) {
                return .suppress("no_recommendations")
            }
            let scope = MessageScope.build(
                sender: sender, customer: customer, recipient: phone, order: order, shipment: shipment, milestone: milestone,
                purpose: message.purpose, extras: extras)
            var body: String
            do {
                body = try templates.renderText("\(message.template).sms", scope: scope)
            } catch {
                return .impossible("template \(message.template).sms: \(error)")
            }
            if let links, let customer = message.customer {
                body = TrackedText.rewrite(body, track: links.for(message: message, customer: customer, now: now).click)
            }
            let prefix = whatsapp ? "whatsapp:" : ""
            return .readySMS(to: prefix + phone, from: prefix + from, body: body, providerURL: sender.smsURL)
        }
    }
}
