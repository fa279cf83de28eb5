import Foundation
import PatronCore
import PatronStore
import SQLKit

/// A page of the customer list: searched by name, e-mail or external id, filtered by an RFM segment
/// or a saved segment, sorted by a metric with keyset pagination (`after` = "value:id"), so a page
/// reads one index range however deep the merchant pages.
struct CustomerList {
    enum Sort: String, CaseIterable {
        case lastOrder = "last_order"
        case revenue, orders, clv, churn, newest

        var column: String? {
            switch self {
            case .lastOrder: "last_order_at"
            case .revenue: "revenue"
            case .orders: "orders_count"
            case .clv: "predicted_clv"
            case .churn: "churn_risk"
            case .newest: nil
            }
        }

        var label: String {
            switch self {
            case .lastOrder: "Last order"
            case .revenue: "Revenue"
            case .orders: "Orders"
            case .clv: "Predicted CLV"
            case .churn: "Churn risk"
            case .newest: "Newest"
            }
        }
    }

    enum Filter: Equatable {
        case none
        case rfm(String)
        case saved(Int64)
    }

    struct Row {
        var id: Int64
        var name: String
        var email: String?
        var externalId: String?
        var country: String?
        var orders: Int64?
        var revenue: Int64?
        var lastOrderAt: Int64?
        var segment: String?
        var clv: Int64?
        var churn: Double?
    }

    let sql: any SQLDatabase
    let store: Int64
    var pageSize = Self.pageSize
    static let pageSize = 50

    /// Up to `pageSize` ids matching a search, newest first.
    func search(_ text: String, filter: Filter) async throws -> [Int64] {
        let term = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard !term.isEmpty else { return [] }
        let words = term.split(separator: " ").map(String.init)
        var query: SQLQueryString
        if words.count >= 2 {
            let (first, last) = (words[0], words[words.count - 1])
            query = """
                SELECT id FROM customers WHERE store_id = \(bind: store) AND lower(first_name) >= \(bind: first)
                    AND lower(first_name) < \(bind: Self.after(first)) AND lower(last_name) >= \(bind: last)
                    AND lower(last_name) < \(bind: Self.after(last))
                """
        } else {
            query = """
                SELECT id FROM customers WHERE store_id = \(bind: store) AND external_id = \(bind: text)
                UNION SELECT id FROM customers WHERE store_id = \(bind: store) AND email_key >= \(bind: term)
                    AND email_key < \(bind: Self.after(term))
                UNION SELECT id FROM customers WHERE store_id = \(bind: store) AND lower(first_name) >= \(bind: term)
                    AND lower(first_name) < \(bind: Self.after(term))
                UNION SELECT id FROM customers WHERE store_id = \(bind: store) AND lower(last_name) >= \(bind: term)
                    AND lower(last_name) < \(bind: Self.after(term))
                """
        }
        var outer: SQLQueryString = "SELECT id FROM (\(query)) found WHERE 1 = 1"
        switch filter {
        case .none: break
        case .rfm(let segment):
            outer +=
                " AND id IN (SELECT customer_id FROM customer_metrics WHERE store_id = \(bind: store) AND rfm_segment = \(bind: segment))"
        case .saved(let segment):
            outer += " AND id IN (SELECT customer_id FROM segment_members WHERE segment_id = \(bind: segment))"
        }
        outer += " ORDER BY id DESC LIMIT \(unsafeRaw: String(pageSize))"
        return try await sql.raw(outer).all().map { try $0.int("id") }
    }

    /// The smallest string greater than every string starting with `prefix`.
    static func after(_ prefix: String) -> String {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            if let next = Unicode.Scalar(last.value + 1) { return String(String.UnicodeScalarView(scalars + [next])) }
        }
        return prefix + "\u{10FFFF}"
    }

    /// One sorted page: the ids and the cursor of the next page, if there is one.
    func page(sort: Sort, filter: Filter, after cursor: String?) async throws -> (ids: [Int64], next: String?) {
        let limit = pageSize + 1
        var query: SQLQueryString
        let position = cursor.flatMap(Self.cursor)
        if let column = sort.column {
            query = """
                SELECT m.customer_id AS id, CAST(m.\(unsafeRaw: column) AS DOUBLE PRECISION) AS sort_value FROM customer_metrics m
                WHERE m.store_id = \(bind: store) AND m.\(unsafeRaw: column) IS NOT NULL
                """
            if let position {
                query +=
                    " AND (m.\(unsafeRaw: column) < \(bind: position.value) OR (m.\(unsafeRaw: column) = \(bind: position.value) AND m.customer_id < \(bind: position.id)))"
            }
            switch filter {
            case .none: break
            case .rfm(let segment): query += " AND m.rfm_segment = \(bind: segment)"
            case .saved(let segment):
                query += " AND m.customer_id IN (SELECT customer_id FROM segment_members WHERE segment_id = \(bind: segment))"
            }
            query +=
                " ORDER BY m.\(unsafeRaw: column) DESC, m.customer_id DESC LIMIT \(unsafeRaw: String(limit))"
        } else {
            query =
                "SELECT c.id AS id, CAST(c.id AS DOUBLE PRECISION) AS sort_value FROM customers c WHERE c.store_id = \(bind: store)"
            if let position { query += " AND c.id < \(bind: position.id)" }
            switch filter {
            case .none: break
            case .rfm(let segment):
                query +=
                    " AND c.id IN (SELECT customer_id FROM customer_metrics WHERE store_id = \(bind: store) AND rfm_segment = \(bind: segment))"
            case .saved(let segment):
                query += " AND c.id IN (SELECT customer_id FROM segment_members WHERE segment_id = \(bind: segment))"
            }
            query += " ORDER BY c.id DESC LIMIT \(unsafeRaw: String(limit))"
        }
        let rows = try await sql.raw(query).all()
        let ids = try rows.prefix(pageSize).map { try $0.int("id") }
        guard rows.count > pageSize, let last = rows.prefix(pageSize).last else { return (ids, nil) }
        let value = try last.decode(column: "sort_value", as: Double.self)
        return (ids, "\(Self.text(value)):\(try last.int("id"))")
    }

    static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    static func cursor(_ text: String) -> (value: Double, id: Int64)? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let value = Double(parts[0]), value.isFinite, let id = Int64(parts[1]) else { return nil }
        return (value, id)
    }

    /// The rows for `ids`, in that order.
    func rows(_ ids: [Int64]) async throws -> [Row] {
        guard !ids.isEmpty else { return [] }
        var found: [Int64: Row] = [:]
        for row in try await sql.raw(
            """
            SELECT c.id, c.external_id, c.email, c.first_name, c.last_name, c.country, m.orders_count, m.revenue,
                m.last_order_at, m.rfm_segment, m.predicted_clv, m.churn_risk
            FROM customers c LEFT JOIN customer_metrics m ON m.store_id = c.store_id AND m.customer_id = c.id
            WHERE c.store_id = \(bind: store) AND c.id IN (\(binds: ids))
            """
        ).all() {
            let id = try row.int("id")
            let name = [try row.text("first_name"), try row.text("last_name")].compactMap { $0 }.joined(separator: " ")
            found[id] = Row(
                id: id, name: name, email: try row.text("email"), externalId: try row.text("external_id"),
                country: try row.text("country"), orders: try row.optionalInt("orders_count"),
                revenue: try row.optionalInt("revenue"), lastOrderAt: try row.optionalInt("last_order_at"),
                segment: try row.text("rfm_segment"), clv: try row.optionalInt("predicted_clv"),
                churn: try row.decode(column: "churn_risk", as: Double?.self))
        }
        return ids.compactMap { found[$0] }
    }
}
