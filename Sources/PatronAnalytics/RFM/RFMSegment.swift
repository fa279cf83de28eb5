/// The named RFM segments merchants know. Published tables overlap and leave gaps, so Patron uses
/// one ordered table: the first row whose ranges contain (R, F, M) names the segment. Every one of
/// the 125 score combinations lands in exactly one segment (see docs/analytics.md for the table).
public enum RFMSegment: String, Sendable, Codable, CaseIterable {
    case champions = "Champions"
    case loyalCustomers = "Loyal Customers"
    case potentialLoyalist = "Potential Loyalist"
    case newCustomers = "New Customers"
    case promising = "Promising"
    case needAttention = "Need Attention"
    case aboutToSleep = "About To Sleep"
    case cantLoseThem = "Can't Lose Them"
    case atRisk = "At Risk"
    case hibernating = "Hibernating"
    case lost = "Lost"

    /// (segment, R range, F range, M range), in precedence order.
    public static let table: [(segment: RFMSegment, r: ClosedRange<Int>, f: ClosedRange<Int>, m: ClosedRange<Int>)] = [
        (.champions, 4...5, 4...5, 4...5),
        (.loyalCustomers, 3...5, 3...5, 3...5),
        (.potentialLoyalist, 4...5, 2...5, 1...5),
        (.newCustomers, 5...5, 1...1, 1...5),
        (.promising, 4...4, 1...1, 1...5),
        (.needAttention, 3...3, 2...5, 1...5),
        (.aboutToSleep, 3...3, 1...1, 1...5),
        (.cantLoseThem, 1...2, 4...5, 4...5),
        (.atRisk, 1...2, 3...5, 1...5),
        (.hibernating, 2...2, 1...2, 1...5),
        (.lost, 1...1, 1...2, 1...5),
    ]

    public static func classify(r: Int, f: Int, m: Int) -> RFMSegment {
        for row in table where row.r.contains(r) && row.f.contains(f) && row.m.contains(m) {
            return row.segment
        }
        // Unreachable for scores in 1...5 (a test walks all 125 cells); scores outside it are clamped.
        return classify(r: min(max(r, 1), 5), f: min(max(f, 1), 5), m: min(max(m, 1), 5))
    }
}
