import Foundation
import PatronCore

/// Maps a Shopify customer object: the `customers/*` payload, or `customer` inside an order or checkout.
enum ShopifyCustomerMapping {
    static let source = "shopify"

    static func customer(_ reader: inout FieldReader) -> CustomerInput? {
        var input = CustomerInput(externalId: reader.identifier("id"), email: reader.lenient { $0.email("email") })
        input.firstName = reader.text("first_name", maxLength: 200)
        input.lastName = reader.text("last_name", maxLength: 200)
        input.phone = reader.lenient { $0.phone("phone") }
        input.country = reader.lenient { $0.nested("default_address") { $0.countryCode("country_code") } }
        input.tags = reader.shopifyTags("tags")
        input.createdAt = reader.timestamp("created_at")
        input.sourceUpdatedAt = reader.timestamp("updated_at")
        input.consents = consents(reader)
        return input
    }

    /// `customers_email_marketing_consent/update`: `{customer_id, email_address, email_marketing_consent}`.
    static func emailConsentUpdate(_ reader: inout FieldReader) -> CustomerInput? {
        guard let externalId = reader.identifier("customer_id", required: true) else { return nil }
        var input = CustomerInput(externalId: externalId, email: reader.lenient { $0.email("email_address") })
        input.consents = consent(reader, key: "email_marketing_consent", channel: .email).map { [$0] } ?? []
        return input
    }

    /// `customers_marketing_consent/update`: `{id, phone, sms_marketing_consent}`.
    static func smsConsentUpdate(_ reader: inout FieldReader) -> CustomerInput? {
        guard let externalId = reader.identifier("id", required: true) else { return nil }
        var input = CustomerInput(externalId: externalId)
        input.phone = reader.lenient { $0.phone("phone") }
        input.consents = consent(reader, key: "sms_marketing_consent", channel: .sms).map { [$0] } ?? []
        return input
    }

    /// Consent from `email_marketing_consent` / `sms_marketing_consent`, or from the legacy `accepts_marketing`
    /// flag of older API versions when the consent object is absent.
    static func consents(_ reader: FieldReader) -> [ConsentInput] {
        var result: [ConsentInput] = []
        if reader.has("email_marketing_consent") {
            if let consent = consent(reader, key: "email_marketing_consent", channel: .email) { result.append(consent) }
        } else if let accepts = reader.lenient({ $0.bool("accepts_marketing") }) {
            // The legacy flag cannot tell "never asked" from "opted out"; false is taken as an opt-out so
            // nobody who unsubscribed in Shopify is ever mailed.
            result.append(
                ConsentInput(
                    channel: .email, state: accepts ? .subscribed : .unsubscribed, source: source,
                    recordedAt: reader.lenient { $0.timestamp("accepts_marketing_updated_at") }))
        }
        if let consent = consent(reader, key: "sms_marketing_consent", channel: .sms) { result.append(consent) }
        return result
    }

    private static func consent(_ reader: FieldReader, key: String, channel: ConsentChannel) -> ConsentInput? {
        reader.lenient { $0.nested(key) { marketing(&$0, channel) } }
    }

    /// One `*_marketing_consent` object. `not_subscribed` (never asked) yields no consent, so it cannot
    /// overwrite a subscription collected elsewhere (a storefront form); `redacted` and `invalid` block sending.
    static func marketing(_ reader: inout FieldReader, _ channel: ConsentChannel) -> ConsentInput? {
        let state: ConsentState
        switch reader.string("state")?.lowercased() {
        case "subscribed": state = .subscribed
        case "pending": state = .pending
        case "unsubscribed", "redacted", "invalid": state = .unsubscribed
        default: return nil
        }
        return ConsentInput(
            channel: channel, state: state, source: source,
            recordedAt: reader.lenient { $0.timestamp("consent_updated_at") })
    }
}
