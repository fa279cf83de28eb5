/// Reads a key-ordered result in pages: `page(after)` returns up to `size` rows whose key is above
/// `after`, ascending; each page goes to `body`; a short page is the last. Memory stays at one page,
/// and no query has to skip rows with OFFSET.
public func forEachKeysetPage<Row>(
    size: Int, key: (Row) -> Int64, _ page: (_ after: Int64) async throws -> [Row], _ body: ([Row]) throws -> Void
) async throws {
    var after: Int64 = 0
    while true {
        let rows = try await page(after)
        try body(rows)
        guard let last = rows.last, rows.count == size else { return }
        after = key(last)
    }
}
