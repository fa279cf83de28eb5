/// Why a model could not be fitted, in words a merchant can act on.
public enum ModelFitError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooLittleData(model: String, needed: String, found: String)
    case didNotConverge(model: String, detail: String)

    public var description: String {
        switch self {
        case .tooLittleData(let model, let needed, let found):
            "\(model) needs \(needed); this history has \(found)"
        case .didNotConverge(let model, let detail):
            "\(model) fit did not converge: \(detail)"
        }
    }
}

/// Bookkeeping common to every maximum-likelihood fit.
public struct FitDiagnostics: Sendable, Codable, Equatable {
    public var logLikelihood: Double
    public var iterations: Int
    public var converged: Bool
    public var customers: Int
}

/// Runs the fit every model uses. Nelder–Mead on log-parameters finds the optimum's neighbourhood
/// robustly from a poor start; BFGS with the analytic gradient then polishes it to full precision.
/// Large data sets do both on a deterministic subsample first, then finish with a few BFGS steps on
/// all the data, warm-started with the subsample's curvature scaled to the full size.
enum MaximumLikelihood {
    /// Log-parameters beyond this bound are treated as divergence (parameters outside e^±18).
    static let logBound = 18.0
    /// A soft wall instead of a prior: log-parameters (on data already scaled to a natural range) pay
    /// λ (|log θ| − 8)² beyond ±8, nothing inside. Any maximum inside e^±8 is found exactly (the fit is
    /// plain maximum likelihood there); degenerate histories, say perfectly regular buyers who never
    /// lapse, whose likelihood keeps rising as parameters run to infinity, stop near the wall instead.
    static let wall = 8.0
    static let wallStiffness = 1.0

    /// The coarse stage runs on every k-th item, k = ⌈count / 20,000⌉ (1 for small data).
    static let coarseSize = 20_000

    static func coarseStride(_ count: Int) -> Int {
        max(1, (count + coarseSize - 1) / coarseSize)
    }

    typealias Objective = (_ point: [Double], _ withGradient: Bool) -> (value: Double, gradient: [Double])

    /// `coarse` is the negative log-likelihood on a subsample of `coarseCount` items (or the full data),
    /// `full` the same on all `fullCount` items.
    static func fit(
        start: [Double], coarse: Objective, coarseCount: Int, full: Objective, fullCount: Int
    ) -> (point: [Double], value: Double, iterations: Int, converged: Bool) {
        func bounded(_ point: [Double]) -> Bool { point.allSatisfy { abs($0) <= logBound } }
        func penalized(_ objective: Objective, _ point: [Double], _ withGradient: Bool) -> (value: Double, gradient: [Double]) {
            let (value, gradient) = objective(point, withGradient)
            let excess = point.map { max(0, abs($0) - wall) }
            let penalty = wallStiffness * excess.reduce(0) { $0 + $1 * $1 }
            guard withGradient else { return (value + penalty, gradient) }
            let slopes = zip(point, excess).map { 2 * wallStiffness * $1 * ($0 < 0 ? -1 : 1) }
            return (value + penalty, zip(gradient, slopes).map { $0 + $1 })
        }
        // The simplex only has to get close: BFGS does the last digits far more cheaply.
        let simplex = NelderMead(tolerance: 1e-9, pointTolerance: 1e-5).minimize(start) {
            bounded($0) ? penalized(coarse, $0, false).value : .infinity
        }
        var polished = QuasiNewton().minimize(simplex.point) {
            bounded($0) ? penalized(coarse, $0, true) : (.infinity, $0.map { _ in 0 })
        }
        var iterations = simplex.iterations + polished.iterations
        if coarseCount < fullCount {
            let scale = Double(coarseCount) / Double(fullCount)
            let seed = polished.inverseHessian.map { row in row.map { $0 * scale } }
            polished = QuasiNewton().minimize(polished.point, inverseHessian: seed) {
                bounded($0) ? penalized(full, $0, true) : (.infinity, $0.map { _ in 0 })
            }
            iterations += polished.iterations
        }
        let converged = polished.converged && polished.value.isFinite
        return (polished.point, polished.value, iterations, converged)
    }
}
