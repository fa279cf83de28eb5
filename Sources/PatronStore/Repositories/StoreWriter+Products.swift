import Foundation
import PatronCore
import SQLKit

extension StoreWriter {
    /// Upserts a product and its variants. A full variant list replaces the stored one; a product
    /// sent without variants keeps its variants (or gets one default variant when it has none).
    public func upsertProduct(_ input: ProductInput) async throws -> WriteResult {
        let existing = try await sql.raw(
            "SELECT id, source_updated_at FROM products WHERE store_id = \(bind: storeID) AND external_id = \(bind: input.externalId)"
        ).first()
        if let existing, let stored = try existing.optionalInt("source_updated_at"),
            let incoming = input.sourceUpdatedAt.milliseconds, incoming < stored
        {
            return WriteResult(id: try existing.int("id"), outcome: .duplicate)
        }
        let row = try await sql.raw(
            """
            INSERT INTO products (store_id, external_id, title, description, category, product_type, vendor, url,
                image_url, status, tags, currency, created_at, updated_at, source_updated_at)
            VALUES (\(bind: storeID), \(bind: input.externalId), \(bind: input.title), \(bind: input.description),
                \(bind: input.category), \(bind: input.productType), \(bind: input.vendor), \(bind: input.url),
                \(bind: input.imageUrl), \(bind: (input.status ?? .active).rawValue), \(bind: (input.tags ?? []).jsonText),
                \(bind: input.currency?.code), \(bind: input.createdAt.milliseconds ?? now), \(bind: now),
                \(bind: input.sourceUpdatedAt.milliseconds))
            ON CONFLICT (store_id, external_id) DO UPDATE SET
                title = COALESCE(excluded.title, products.title),
                description = COALESCE(excluded.description, products.description),
                category = COALESCE(excluded.category, products.category),
                product_type = COALESCE(excluded.product_type, products.product_type),
                vendor = COALESCE(excluded.vendor, products.vendor), url = COALESCE(excluded.url, products.url),
                image_url = COALESCE(excluded.image_url, products.image_url),
                status = COALESCE(\(bind: input.status?.rawValue), products.status),
                tags = COALESCE(\(bind: input.tags?.jsonText), products.tags),
                currency = COALESCE(excluded.currency, products.currency),
                source_updated_at = COALESCE(excluded.source_updated_at, products.source_updated_at),
                updated_at = excluded.updated_at
            RETURNING id, created_at, updated_at
            """
        ).first()
        guard let row else { throw StoreError.unexpected("product upsert returned no row") }
        let productId = try row.int("id")
        let outcome: WriteOutcome = existing == nil ? .created : .updated
        var variants = input.variants ?? []
        if variants.isEmpty {
            let count =
                try await sql.raw("SELECT COUNT(*) AS n FROM variants WHERE product_id = \(bind: productId)").first()?.int("n")
                ?? 0
            if count > 0 { return WriteResult(id: productId, outcome: outcome) }
            variants = [VariantInput(externalId: input.externalId)]
        } else {
            let keep = Set(variants.map(\.externalId))
            let stored = try await sql.raw("SELECT id, external_id FROM variants WHERE product_id = \(bind: productId)").all()
            for variant in stored where !keep.contains(try variant.requiredText("external_id")) {
                try await sql.raw("DELETE FROM variants WHERE id = \(bind: try variant.int("id"))").run()
            }
        }
        for (position, variant) in variants.enumerated() {
            if let owner = try await sql.raw(
                """
                SELECT p.external_id FROM variants v JOIN products p ON p.id = v.product_id
                WHERE v.store_id = \(bind: storeID) AND v.external_id = \(bind: variant.externalId) AND v.product_id <> \(bind: productId)
                """
            ).first() {
                if input.variants?.isEmpty ?? true { continue }
                throw ValidationFailure(
                    field: "variants[\(position)].externalId",
                    message:
                        "variant \(variant.externalId) belongs to product \(try owner.requiredText("external_id")); variant ids are unique per store"
                )
            }
            try await upsertVariant(variant, productId: productId, position: Int64(position))
        }
        return WriteResult(id: productId, outcome: outcome)
    }

    func upsertVariant(_ variant: VariantInput, productId: Int64, position: Int64) async throws {
        let options = variant.options.mapValues(JSONValue.string).jsonText
        try await sql.raw(
            """
            INSERT INTO variants (store_id, product_id, external_id, sku, title, options, price, compare_at_price,
                stock, image_url, position, updated_at)
            VALUES (\(bind: storeID), \(bind: productId), \(bind: variant.externalId), \(bind: variant.sku),
                \(bind: variant.title), \(bind: options), \(bind: variant.price), \(bind: variant.compareAtPrice),
                \(bind: variant.stock), \(bind: variant.imageUrl), \(bind: position), \(bind: now))
            ON CONFLICT (store_id, external_id) DO UPDATE SET product_id = excluded.product_id,
                sku = COALESCE(excluded.sku, variants.sku), title = COALESCE(excluded.title, variants.title),
                options = CASE WHEN excluded.options = '{}' THEN variants.options ELSE excluded.options END,
                price = COALESCE(excluded.price, variants.price),
                compare_at_price = COALESCE(excluded.compare_at_price, variants.compare_at_price),
                stock = COALESCE(excluded.stock, variants.stock), image_url = COALESCE(excluded.image_url, variants.image_url),
                position = excluded.position, updated_at = excluded.updated_at
            """
        ).run()
    }
}
