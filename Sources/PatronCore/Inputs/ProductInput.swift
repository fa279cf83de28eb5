import Foundation

public struct VariantInput: Sendable, Hashable {
    public var externalId: String
    public var sku: String?
    public var title: String?
    public var options: [String: String] = [:]
    public var price: Int64?
    public var compareAtPrice: Int64?
    public var stock: Int64?
    public var imageUrl: String?

    public init(externalId: String) { self.externalId = externalId }
}

/// A product upsert with its variants. A product sent without variants gets one default variant.
public struct ProductInput: Sendable, Hashable {
    public var externalId: String
    public var title: String?
    public var description: String?
    public var category: String?
    public var productType: String?
    public var vendor: String?
    public var url: String?
    public var imageUrl: String?
    public var status: ProductStatus?
    public var tags: [String]?
    public var currency: Currency?
    public var variants: [VariantInput]?
    public var createdAt: Date?
    public var sourceUpdatedAt: Date?

    public init(externalId: String) { self.externalId = externalId }
}

extension ProductInput {
    public static func read(_ reader: inout FieldReader) -> ProductInput? {
        guard let externalId = reader.identifier("externalId", required: true) else {
            return nil
        }
        var input = ProductInput(externalId: externalId)
        input.title = reader.string("title", maxLength: 500)
        input.description = reader.string("description", maxLength: 20_000)
        input.category = reader.string("category", maxLength: 200)
        input.productType = reader.string("productType", maxLength: 200)
        input.vendor = reader.string("vendor", maxLength: 200)
        input.url = reader.string("url", maxLength: 2_000)
        input.imageUrl = reader.string("imageUrl", maxLength: 2_000)
        input.status = reader.enumeration("status", as: ProductStatus.self)
        input.tags = reader.strings("tags")
        input.currency = reader.currency("currency")
        input.createdAt = reader.timestamp("createdAt")
        input.sourceUpdatedAt = reader.timestamp("updatedAt")
        input.variants = reader.objects("variants", maxCount: 250) { VariantInput.read(&$0) }
        if let variants = input.variants, variants.contains(where: { $0.price != nil || $0.compareAtPrice != nil }),
            input.currency == nil, !reader.has("currency")
        {
            reader.fail("currency", "is required when a variant has a price")
        }
        return input
    }
}

extension VariantInput {
    static func read(_ reader: inout FieldReader) -> VariantInput? {
        guard let externalId = reader.identifier("externalId", required: true) else { return nil }
        var input = VariantInput(externalId: externalId)
        input.sku = reader.string("sku", maxLength: 200)
        input.title = reader.string("title", maxLength: 500)
        if let options = reader.rawObject("options") {
            for (name, value) in options {
                guard case .string(let text) = value else {
                    reader.fail("options.\(name)", "expected a string, got \(value.typeName)")
                    continue
                }
                input.options[name] = text
            }
        }
        input.price = reader.minorUnits("price")
        input.compareAtPrice = reader.minorUnits("compareAtPrice")
        input.stock = reader.integer("stock", range: -1_000_000_000...1_000_000_000)
        input.imageUrl = reader.string("imageUrl", maxLength: 2_000)
        return input
    }
}
