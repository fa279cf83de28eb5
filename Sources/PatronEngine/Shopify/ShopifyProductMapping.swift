import Foundation
import PatronCore

/// Maps a Shopify product (`products/create|update`) with its variants. Product payloads carry no currency:
/// variant prices are read only when the shop's currency is known.
enum ShopifyProductMapping {
    static func product(_ reader: inout FieldReader, shopCurrency: Currency?) -> ProductInput? {
        guard let externalId = reader.identifier("id", required: true) else { return nil }
        var input = ProductInput(externalId: externalId)
        input.title = reader.text("title", maxLength: 500)
        input.description = reader.text("body_html", maxLength: 20_000)
        input.productType = reader.text("product_type", maxLength: 200)
        input.category = reader.lenient { category in
            category.nested("category") { $0.text("full_name", maxLength: 200) ?? $0.text("name", maxLength: 200) }
        }
        input.vendor = reader.text("vendor", maxLength: 200)
        input.status = reader.text("status").flatMap { ProductStatus(rawValue: $0.lowercased()) }
        input.tags = reader.shopifyTags("tags")
        input.currency = shopCurrency
        input.createdAt = reader.timestamp("created_at")
        input.sourceUpdatedAt = reader.timestamp("updated_at")

        let images = imageSources(reader)
        input.imageUrl = reader.object["image"]?["src"]?.stringValue ?? images.first?.src
        let optionNames = optionNames(reader)
        input.variants = reader.objects("variants", maxCount: 2_048) { variant in
            guard let id = variant.identifier("id", required: true) else { return nil }
            var output = VariantInput(externalId: id)
            output.sku = variant.text("sku", maxLength: 200)
            output.title = variant.text("title", maxLength: 500)
            for (position, name) in optionNames.enumerated() {
                if let name, let value = variant.text("option\(position + 1)", maxLength: 500) {
                    output.options[name] = value
                }
            }
            if let shopCurrency {
                output.price = variant.money("price", currency: shopCurrency)
                output.compareAtPrice = variant.money("compare_at_price", currency: shopCurrency)
            }
            output.stock = variant.lenient { $0.integer("inventory_quantity", range: -1_000_000_000...1_000_000_000) }
            let imageId = variant.object["image_id"]?.identifierText
            output.imageUrl = imageId.flatMap { id in images.first { $0.id == id }?.src }
            return output
        }
        return input
    }

    /// The names of option1...option3, in position order.
    private static func optionNames(_ reader: FieldReader) -> [String?] {
        var names: [String?] = [nil, nil, nil]
        for (index, option) in (reader.object["options"]?.arrayValue ?? []).prefix(3).enumerated() {
            let position =
                option["position"].flatMap { value -> Int? in
                    if case .int(let number) = value { return Int(number) }
                    return nil
                } ?? index + 1
            if (1...3).contains(position) { names[position - 1] = option["name"]?.stringValue }
        }
        return names
    }

    private static func imageSources(_ reader: FieldReader) -> [(id: String?, src: String)] {
        (reader.object["images"]?.arrayValue ?? []).compactMap { image in
            image["src"]?.stringValue.map { (image["id"]?.identifierText, $0) }
        }
    }
}
