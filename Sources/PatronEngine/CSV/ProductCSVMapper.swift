import Foundation
import PatronCore

/// Products, one row per variant; rows of a product may be anywhere in the file and merge into one
/// `ProductInput`. Product columns: product_external_id (required), title, description, category,
/// product_type, vendor, url, image_url, status, tags; for each product the first non-empty value wins.
/// Variant columns: variant_external_id (default: the product's id), sku, variant_title,
/// option1_name/option1_value, option2_... (or color, colour, size, material, style columns),
/// price and compare_at_price (decimals such as 19.99 in `currency`, required with a price), stock,
/// variant_image_url. A bad row rejects only its variant; products are ready after `finish`.
public struct ProductCSVMapper: CSVImportMapper {
    static let columns: Set<String> = [
        "product_external_id", "title", "description", "category", "product_type", "vendor", "url", "image_url",
        "status", "tags", "variant_external_id", "sku", "variant_title", "price", "compare_at_price", "currency",
        "stock", "variant_image_url",
    ]
    static let namedOptionColumns = ["color", "colour", "size", "material", "style"]

    private struct OptionColumn: Sendable {
        let nameKey: String?
        let valueKey: String
        let defaultName: String
    }

    private struct Group: Sendable {
        var product: ProductInput
        var currencyLine: Int?
        var variantLines: [String: Int] = [:]
    }

    public private(set) var headerError: CSVRejection?
    public private(set) var rejections: [CSVRejection] = []
    public var skipped: [CSVRejection] { [] }
    public private(set) var summary = CSVImportSummary()
    /// Header columns this mapper does not read, as written in the file.
    public private(set) var ignoredColumns: [String] = []

    private var header: CSVHeader?
    private var optionColumns: [OptionColumn] = []
    private var groups: [Group] = []
    private var groupIndex: [String: Int] = [:]
    private var ready: [IngestOperation] = []

    public init() {}

    public mutating func consume(record: [String], line: Int) {
        guard headerError == nil else { return }
        guard let header else {
            readHeader(record, line: line)
            return
        }
        guard !isBlankRecord(record) else { return }
        summary.rows += 1
        var reader = CSVFieldReader(header: header, record: record)
        reader.checkWidth()
        let productId = reader.identifier("product_external_id", required: true)
        var product = readProduct(&reader, externalId: productId ?? "")
        // A row without a currency prices in the currency an earlier row of its product gave.
        let knownCurrency = productId.flatMap { groupIndex[$0] }.flatMap { groups[$0].product.currency }
        let variant = readVariant(&reader, productId: productId ?? "", currency: product.currency ?? knownCurrency)
        guard reader.errors.isEmpty, let productId else {
            reject(line, reader.reason)
            return
        }
        if let existing = groupIndex[productId] {
            if let currency = product.currency, let expected = groups[existing].product.currency,
                currency != expected, let currencyLine = groups[existing].currencyLine
            {
                reject(
                    line,
                    "\(header.name("currency")): expected \(expected.code) as on line \(currencyLine) for product "
                        + "\(productId), got \(currency.code)")
                return
            }
            if let earlier = groups[existing].variantLines[variant.externalId] {
                reject(
                    line,
                    "\(header.name("variant_external_id")): variant \(variant.externalId) of product \(productId) "
                        + "already appears on line \(earlier)")
                return
            }
            merge(product, variant: variant, line: line, into: &groups[existing])
        } else {
            product.variants = [variant]
            var group = Group(product: product, currencyLine: product.currency == nil ? nil : line)
            group.variantLines[variant.externalId] = line
            groupIndex[productId] = groups.count
            groups.append(group)
        }
    }

    public mutating func drain() -> [IngestOperation] {
        defer { ready = [] }
        return ready
    }

    public mutating func finish() {
        if header == nil, headerError == nil {
            headerError = CSVRejection(line: 1, reason: "the file is empty: expected a header row")
        }
        ready.append(contentsOf: groups.map { .product($0.product) })
        summary.products += groups.count
        groups = []
        groupIndex = [:]
    }

    private mutating func reject(_ line: Int, _ reason: String) {
        rejections.append(CSVRejection(line: line, reason: reason))
        summary.rejected += 1
    }

    private mutating func readHeader(_ record: [String], line: Int) {
        let header = CSVHeader(record, line: line)
        var known = Self.columns
        for (index, key) in header.keys.enumerated() where header.index(key) == index {
            guard key.hasPrefix("option"), key.hasSuffix("_value") else { continue }
            let number = key.dropFirst("option".count).dropLast("_value".count)
            guard !number.isEmpty, number.allSatisfy(\.isNumber) else { continue }
            let nameKey = "option\(number)_name"
            optionColumns.append(
                OptionColumn(
                    nameKey: header.index(nameKey) == nil ? nil : nameKey, valueKey: key,
                    defaultName: "Option \(number)"))
            known.formUnion([key, nameKey])
        }
        for key in Self.namedOptionColumns where header.index(key) != nil {
            let name = key == "colour" ? "Colour" : key.prefix(1).uppercased() + key.dropFirst()
            optionColumns.append(OptionColumn(nameKey: nil, valueKey: key, defaultName: name))
            known.insert(key)
        }
        headerError = header.problem(required: ["product_external_id"], known: known)
        ignoredColumns = header.keys.indices.filter { !known.contains(header.keys[$0]) }.map { header.names[$0] }
        self.header = header
    }

    private func readProduct(_ reader: inout CSVFieldReader, externalId: String) -> ProductInput {
        var product = ProductInput(externalId: externalId)
        product.title = reader.text("title", maxLength: 500)
        product.description = reader.text("description", maxLength: 20_000)
        product.category = reader.text("category", maxLength: 200)
        product.productType = reader.text("product_type", maxLength: 200)
        product.vendor = reader.text("vendor", maxLength: 200)
        product.url = reader.text("url", maxLength: 2_000)
        product.imageUrl = reader.text("image_url", maxLength: 2_000)
        product.status = reader.enumeration("status", as: ProductStatus.self)
        product.tags = reader.list("tags")
        product.currency = reader.currency("currency")
        return product
    }

    private func readVariant(_ reader: inout CSVFieldReader, productId: String, currency: Currency?) -> VariantInput {
        var variant = VariantInput(externalId: reader.identifier("variant_external_id") ?? productId)
        variant.sku = reader.text("sku", maxLength: 200)
        variant.title = reader.text("variant_title", maxLength: 500)
        variant.price = reader.amount("price", currency: currency)
        variant.compareAtPrice = reader.amount("compare_at_price", currency: currency)
        if currency == nil, !reader.has("currency"), reader.has("price") || reader.has("compare_at_price") {
            reader.fail("currency", "is required when a price is given")
        }
        variant.stock = reader.integer("stock", range: -1_000_000_000...1_000_000_000)
        variant.imageUrl = reader.text("variant_image_url", maxLength: 2_000)
        for option in optionColumns {
            guard let value = reader.text(option.valueKey, maxLength: 255) else { continue }
            let name = option.nameKey.flatMap { reader.text($0, maxLength: 255) } ?? option.defaultName
            variant.options[name] = value
        }
        return variant
    }

    private func merge(_ product: ProductInput, variant: VariantInput, line: Int, into group: inout Group) {
        group.product.title = group.product.title ?? product.title
        group.product.description = group.product.description ?? product.description
        group.product.category = group.product.category ?? product.category
        group.product.productType = group.product.productType ?? product.productType
        group.product.vendor = group.product.vendor ?? product.vendor
        group.product.url = group.product.url ?? product.url
        group.product.imageUrl = group.product.imageUrl ?? product.imageUrl
        group.product.status = group.product.status ?? product.status
        group.product.tags = group.product.tags ?? product.tags
        if group.product.currency == nil, product.currency != nil {
            group.product.currency = product.currency
            group.currencyLine = line
        }
        group.product.variants = group.product.variants ?? []
        group.product.variants?.append(variant)
        group.variantLines[variant.externalId] = line
    }
}
