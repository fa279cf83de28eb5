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

/// Runs the two-stage fit every model uses: Nelder–Mead on log-parameters (robust from a poor start),
/// then BFGS with the analytic gradient (precise). `objective` returns the negative log-likelihood and
/// its gradient with respect to the log-parameters; `coarse` may be the same objective on a subsample.
enum MaximumLikelihood {
    /// Log-parameters beyond this bound are treated as divergence (parameters outside e^±18).
    static let logBound = 18.0

    static func fit(
        start: [Double],
        coarse: ([Double]) -> Double,
        objective: ([Double]) -> (value: Double, gradient: [Double])
    ) -> (point: [Double], value: Double, iterations: Int, converged: Bool) {
        func bounded(_ point: [Double]) -> Bool { point.allSatisfy { abs($0) <= logBound } }
        let simplex = NelderMead().minimize(start) { bounded($0) ? coarse($0) : .infinity }
        let polished = QuasiNewton().minimize(simplex.point) { point in
            guard bounded(point) else { return (.infinity, point.map { _ in 0 }) }
            return objective(point)
        }
        let converged = polished.converged && polished.value.isFinite
        return (polished.point, polished.value, simplex.iterations + polished.iterations, converged)
    }
}
