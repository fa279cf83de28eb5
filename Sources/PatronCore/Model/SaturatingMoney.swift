/// Money arithmetic that cannot trap: sums and products clamp at the Int64 range, and
/// `OrderInput.hasAmountOverflow` tells when an order's amounts went out of range, so ingestion
/// rejects it with a validation error instead of crashing the process.
extension Int64 {
    public func saturatingAdding(_ other: Int64) -> Int64 {
        let (result, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : result
    }

    public func saturatingMultiplied(by other: Int64) -> Int64 {
        let (result, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self > 0) == (other > 0) ? .max : .min) : result
    }
}

extension Sequence where Element == Int64 {
    public func saturatingSum() -> Int64 { reduce(0) { $0.saturatingAdding($1) } }
}

/// The largest amount accepted anywhere: 10^15 minor units (ten trillion dollars).
public let maximumMinorUnits: Int64 = 1_000_000_000_000_000
