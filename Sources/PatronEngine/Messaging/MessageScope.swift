import Foundation
import PatronCore
import PatronStore

/// What a message template sees: `store`, `customer`, `order`, `shipment`, `links`, `purpose`, with
/// amounts and dates already written for people. Built from the canonical documents the API serves.
public enum MessageScope {
    public static let defaultBrandColor = "#1f6f5c"

    /// The store's own site from its branding, when it is an http(s) URL.
    static func storeURL(_ sender: SenderSettings) -> String? {
        sender.branding["url"]?.stringValue.flatMap(MessageExtras.httpURL)
    }

    public static func build(
        sender: SenderSettings, customer: JSONValue?, recipient: String, order: JSONValue?, shipment: JSONValue?,
        milestone: ShipmentMilestone?, purpose: String, links: JSONValue = [:], extras: [String: JSONValue] = [:]
    ) -> JSONValue {
        var store: [String: JSONValue] = [
            "name": .string(sender.storeName), "email": JSONValue(sender.fromEmail),
            "color": .string(validColor(sender.branding["color"]?.stringValue) ?? defaultBrandColor),
        ]
        if let logo = sender.branding["logoUrl"]?.stringValue, logo.hasPrefix("https://") { store["logoUrl"] = .string(logo) }
        if let address = sender.branding["address"]?.stringValue { store["address"] = .string(address) }
        if let url = storeURL(sender) { store["url"] = .string(url) }
        let firstName =
            customer?["firstName"]?.stringValue
            ?? order?["shippingAddress"]?["name"]?.stringValue?
            .split(separator: " ").first.map(String.init)
        let customerScope: JSONValue = .compactObject([
            "firstName": firstName.map(JSONValue.string), "lastName": customer?["lastName"],
            "email": .string(recipient), "yearsWithUs": extras["yearsWithUs"],
        ])
        var scope: [String: JSONValue] = [
            "store": .object(store), "customer": customerScope, "links": links,
            "purpose": .object([purpose: true]),
        ]
        if let order { scope["order"] = orderScope(order, expectedDelivery: shipment?["estimatedDeliveryAt"]?.stringValue) }
        if let shipment, let milestone { scope["shipment"] = shipmentScope(shipment, milestone: milestone) }
        for (key, value) in extras where key != "yearsWithUs" { scope[key] = value }
        scope["preheader"] = .string(preheader(order: scope["order"], milestone: milestone))
        return .object(scope)
    }

    static func orderScope(_ order: JSONValue, expectedDelivery: String?) -> JSONValue {
        let currency = order["currency"]?.stringValue.flatMap(Currency.init(code:)) ?? .usd
        func money(_ key: String) -> Int64 { if case .int(let value) = order[key] ?? .null { value } else { 0 } }
        let items: [JSONValue] = (order["lineItems"]?.arrayValue ?? []).map { line in
            let quantity: Int64 = if case .int(let q) = line["quantity"] ?? .null { q } else { 1 }
            let unit: Int64 = if case .int(let p) = line["unitPrice"] ?? .null { p } else { 0 }
            let discount: Int64 = if case .int(let d) = line["discount"] ?? .null { d } else { 0 }
            return .compactObject([
                "title": line["title"] ?? .string("Item"), "quantity": .int(quantity),
                "unitPrice": .string(MoneyText.format(unit, currency: currency)),
                "lineTotal": .string(MoneyText.format(unit.saturatingMultiplied(by: quantity) - discount, currency: currency)),
                "sku": line["sku"],
            ])
        }
        let codes = (order["discountCodes"]?.arrayValue ?? []).compactMap { $0["code"]?.stringValue ?? $0.stringValue }
        let discount = money("discountTotal")
        let expected = expectedDelivery.flatMap(Timestamp.parse).map(longDate)
        return .compactObject([
            "number": order["number"] ?? order["externalId"],
            "placedAt": order["placedAt"]?.stringValue
                .flatMap(Timestamp.parse).map { .string(longDate($0)) },
            "items": .array(items), "hasItems": .bool(!items.isEmpty),
            "subtotal": .string(MoneyText.format(money("subtotal"), currency: currency)),
            "discount": discount > 0
                ? .compactObject([
                    "amount": .string(MoneyText.format(discount, currency: currency)),
                    "codes": codes.isEmpty ? nil : .string(codes.joined(separator: ", ")),
                ]) : nil,
            "shipping": .string(
                money("shippingTotal") == 0 ? "Free" : MoneyText.format(money("shippingTotal"), currency: currency)),
            "tax": money("taxTotal") > 0 ? .string(MoneyText.format(money("taxTotal"), currency: currency)) : nil,
            "total": .string(MoneyText.format(money("total"), currency: currency)), "currency": .string(currency.code),
            "shippingAddress": addressScope(order["shippingAddress"]), "expectedDelivery": expected.map(JSONValue.string),
        ])
    }

    static func addressScope(_ address: JSONValue?) -> JSONValue? {
        guard let address, address.objectValue != nil else { return nil }
        let cityLine = [address["postalCode"]?.stringValue, address["city"]?.stringValue, address["province"]?.stringValue]
            .compactMap { $0 }.joined(separator: " ")
        let lines = [
            address["name"]?.stringValue, address["company"]?.stringValue, address["address1"]?.stringValue,
            address["address2"]?.stringValue, cityLine.isEmpty ? nil : cityLine, address["country"]?.stringValue,
        ].compactMap { $0 }.filter { !$0.isEmpty }
        return lines.isEmpty ? nil : ["lines": .array(lines.map(JSONValue.string))]
    }

    static func shipmentScope(_ shipment: JSONValue, milestone: ShipmentMilestone) -> JSONValue {
        let trackingURL = shipment["trackingUrl"]?.stringValue.flatMap {
            $0.hasPrefix("https://") || $0.hasPrefix("http://") ? $0 : nil
        }
        return .compactObject([
            "headline": .string(milestone.headline), "message": .string(milestone.message),
            "milestone": .string(milestone.rawValue), "carrier": shipment["carrier"],
            "trackingNumber": shipment["trackingNumber"], "trackingUrl": trackingURL.map(JSONValue.string),
            "estimatedDelivery": shipment["estimatedDeliveryAt"]?.stringValue.flatMap(Timestamp.parse)
                .map { .string(longDate($0)) },
        ])
    }

    static func preheader(order: JSONValue?, milestone: ShipmentMilestone?) -> String {
        if let milestone { return milestone.headline + "." }
        if let total = order?["total"]?.stringValue { return "Order total \(total). Here is everything you ordered." }
        return ""
    }

    /// "22 November 2026", in UTC.
    static func longDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMMM yyyy"
        return formatter.string(from: date)
    }

    /// Only "#rgb" or "#rrggbb" reaches a style attribute.
    static func validColor(_ text: String?) -> String? {
        guard let text, text.hasPrefix("#"), [4, 7].contains(text.count),
            text.dropFirst().allSatisfy({ $0.isHexDigit })
        else { return nil }
        return text
    }
}
