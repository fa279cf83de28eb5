/// What an analysis run is asked to compute.
public struct AnalysisOptions: Sendable {
    /// End of the calibration period, epoch seconds: "now" for a live store. Later orders are ignored.
    public var until: Int64
    /// Prediction horizon in days for expected purchases and lifetime value.
    public var horizonDays: Int = 365
    /// Yearly discount rate applied to future value (0.10 = 10 % a year), per 30-day step.
    public var annualDiscountRate: Double = 0.10
    /// KPI period start; defaults to `horizonDays` before `until`.
    public var periodStart: Int64?

    public init(until: Int64, horizonDays: Int = 365, annualDiscountRate: Double = 0.10, periodStart: Int64? = nil) {
        self.until = until
        self.horizonDays = horizonDays
        self.annualDiscountRate = annualDiscountRate
        self.periodStart = periodStart
    }

    /// The KPI period: [periodStart, end of the `until` day).
    var period: (start: Int64, end: Int64) {
        let end = (PurchaseSummary.day(until) + 1) * 86_400
        return (periodStart ?? end - Int64(horizonDays) * 86_400, end)
    }
}
