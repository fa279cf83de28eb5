import Foundation

/// A behavioural event (product viewed, checkout started...) on a customer's timeline. Append-only;
/// `messageId` is the dedupe key.
public struct EventInput: Sendable, Hashable {
    public var type: String
    public var customer: CustomerRef
    public var messageId: String
    public var occurredAt: Date
    public var properties: [String: JSONValue] = [:]
    public var context: [String: JSONValue] = [:]
    public var source: DataSource
    /// External ids of the products the event is about.
    public var productExternalIds: [String] = []

    public init(type: String, customer: CustomerRef, messageId: String, occurredAt: Date, source: DataSource) {
        self.type = type
        self.customer = customer
        self.messageId = messageId
        self.occurredAt = occurredAt
        self.source = source
    }

    public static func read(_ reader: inout FieldReader, now: Date) -> EventInput? {
        let type = reader.string("type", required: true, maxLength: 200)
        let customer = reader.customerRef()
        if customer.isEmpty {
            reader.fail("customerExternalId", "one of customerExternalId, email or anonymousId is required")
        }
        let messageId = reader.identifier("messageId") ?? UUID().uuidString
        let occurredAt = reader.timestamp("occurredAt") ?? now
        guard let type else { return nil }
        var event = EventInput(type: type, customer: customer, messageId: messageId, occurredAt: occurredAt, source: .api)
        event.properties = reader.rawObject("properties") ?? [:]
        event.context = reader.rawObject("context") ?? [:]
        event.productExternalIds =
            reader.strings("productExternalIds", maxCount: 100) ?? ProductReferences.extract(from: event.properties)
        return event
    }
}

/// Finds product references in E-commerce Spec v2 properties (`product_id`, `products[].product_id`).
public enum ProductReferences {
    public static func extract(from properties: [String: JSONValue]) -> [String] {
        var ids: [String] = []
        if let id = properties["product_id"]?.identifierText ?? properties["productId"]?.identifierText { ids.append(id) }
        if let products = properties["products"]?.arrayValue {
            for product in products {
                if let id = product["product_id"]?.identifierText ?? product["productId"]?.identifierText, !ids.contains(id) {
                    ids.append(id)
                }
            }
        }
        return ids
    }
}
