/// Counts and value per recency × frequency cell and per named segment, for the RFM heat map.
public struct RFMGrid: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        public var recency: Int
        public var frequency: Int
        public var customers: Int
        public var revenue: Double
        public var predictedValue: Double
    }

    public struct SegmentTotals: Sendable, Equatable {
        public var segment: RFMSegment
        public var customers: Int
        public var revenue: Double
        public var predictedValue: Double
    }

    /// 25 cells, recency-major (R 5 first, so the best customers come first).
    public var cells: [Cell]
    /// Every segment, in the precedence order of ``RFMSegment/table``, including empty ones.
    public var segments: [SegmentTotals]

    public init(_ analysis: CustomerAnalysis) {
        var cells: [Cell] = []
        for recency in stride(from: 5, through: 1, by: -1) {
            for frequency in 1...5 {
                cells.append(Cell(recency: recency, frequency: frequency, customers: 0, revenue: 0, predictedValue: 0))
            }
        }
        var segments = RFMSegment.allCases.map { SegmentTotals(segment: $0, customers: 0, revenue: 0, predictedValue: 0) }
        let segmentSlot = Dictionary(uniqueKeysWithValues: RFMSegment.allCases.enumerated().map { ($1, $0) })
        for customer in 0..<analysis.customerCount {
            guard let segment = analysis.segment[customer] else { continue }
            let revenue = analysis.revenue[customer]
            let value = analysis.predictedValue[customer].isNaN ? 0 : analysis.predictedValue[customer]
            let cell = (5 - Int(analysis.recencyScore[customer])) * 5 + Int(analysis.frequencyScore[customer]) - 1
            cells[cell].customers += 1
            cells[cell].revenue += revenue
            cells[cell].predictedValue += value
            if let slot = segmentSlot[segment] {
                segments[slot].customers += 1
                segments[slot].revenue += revenue
                segments[slot].predictedValue += value
            }
        }
        self.cells = cells
        self.segments = segments
    }
}
