import Foundation
import PatronCore

/// Maps Shopify's mandatory privacy webhooks (`customers/data_request`, `customers/redact`, `shop/redact`).
enum ShopifyPrivacyMapping {
    static func eraseCustomer(_ reader: inout FieldReader) -> [IngestOperation]? {
        customerRef(&reader).map { [.eraseCustomer($0)] }
    }

    static func dataRequest(_ reader: inout FieldReader) -> [IngestOperation]? {
        let ref = customerRef(&reader)
        let requestId = reader.lenient { $0.nested("data_request") { $0.identifier("id") } }
        return ref.map { [.dataRequest($0, requestId: requestId)] }
    }

    /// `customer {id, email, phone}`; the e-mail is kept even when our validator would reject it, so the
    /// erasure still finds a customer stored under it.
    private static func customerRef(_ reader: inout FieldReader) -> CustomerRef? {
        reader.nested("customer", required: true) { customer in
            let email = customer.text("email", maxLength: 254)
            let ref = CustomerRef(externalId: customer.identifier("id"), email: email)
            if ref.isEmpty { customer.fail("id", "is required when there is no email") }
            return ref
        }
    }
}
