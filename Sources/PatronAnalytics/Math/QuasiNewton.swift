/// BFGS with a backtracking (Armijo) line search, for smooth objectives with an analytic gradient.
/// Starts from a point already near the optimum (a Nelder–Mead result) and polishes it to full
/// precision in a few dozen steps.
struct QuasiNewton {
    var maximumIterations = 200
    /// Converged when ‖∇f‖ ≤ this × max(1, |f|).
    var gradientTolerance = 1e-8
    /// When no step improves f any more (the optimum within rounding), a gradient this small, relative to
    /// max(1, |f|), still counts as converged.
    var stalledGradientTolerance = 1e-6

    struct Result {
        var point: [Double]
        var value: Double
        var gradientNorm: Double
        var iterations: Int
        var converged: Bool
        /// The final approximation of the inverse Hessian, to warm-start a related problem.
        var inverseHessian: [[Double]]
    }

    /// `objective` returns the value and its gradient at a point. `inverseHessian` seeds the curvature
    /// estimate (identity when nil).
    func minimize(
        _ start: [Double], inverseHessian seed: [[Double]]? = nil,
        _ objective: ([Double]) -> (value: Double, gradient: [Double])
    ) -> Result {
        let dimension = start.count
        var point = start
        var (value, gradient) = objective(point)
        var inverseHessian = seed ?? Self.identity(dimension)
        var iterations = 0
        var lastImprovement = Double.infinity
        while iterations < maximumIterations {
            let norm = Self.norm(gradient)
            let settled = lastImprovement <= 1e-12 * max(1, abs(value)) && norm <= stalledGradientTolerance * max(1, abs(value))
            if !value.isFinite || norm <= gradientTolerance * max(1, abs(value)) || settled {
                return Result(
                    point: point, value: value, gradientNorm: norm, iterations: iterations, converged: value.isFinite,
                    inverseHessian: inverseHessian)
            }
            iterations += 1
            var direction = Self.multiply(inverseHessian, gradient).map { -$0 }
            var slope = Self.dot(direction, gradient)
            if slope >= 0 {
                inverseHessian = Self.identity(dimension)
                direction = gradient.map { -$0 }
                slope = -Self.dot(gradient, gradient)
            }
            var step = 1.0
            var candidate = point
            var candidateValue = value
            var candidateGradient = gradient
            var accepted = false
            for _ in 0..<30 {
                candidate = (0..<dimension).map { point[$0] + step * direction[$0] }
                (candidateValue, candidateGradient) = objective(candidate)
                if candidateValue.isFinite && candidateValue <= value + 1e-4 * step * slope {
                    accepted = true
                    break
                }
                step *= 0.5
            }
            let improvement = value - candidateValue
            guard accepted, improvement > 1e-15 * max(1, abs(value)) else {
                let stalled = norm <= stalledGradientTolerance * max(1, abs(value))
                let best = accepted && candidateValue < value
                return Result(
                    point: best ? candidate : point, value: best ? candidateValue : value, gradientNorm: norm,
                    iterations: iterations, converged: stalled, inverseHessian: inverseHessian)
            }
            let move = (0..<dimension).map { candidate[$0] - point[$0] }
            let change = (0..<dimension).map { candidateGradient[$0] - gradient[$0] }
            let curvature = Self.dot(move, change)
            if curvature > 1e-12 {
                inverseHessian = Self.bfgsUpdate(inverseHessian, move: move, change: change, curvature: curvature)
            }
            point = candidate
            lastImprovement = improvement
            value = candidateValue
            gradient = candidateGradient
        }
        return Result(
            point: point, value: value, gradientNorm: Self.norm(gradient), iterations: iterations, converged: false,
            inverseHessian: inverseHessian)
    }

    private static func bfgsUpdate(_ h: [[Double]], move s: [Double], change y: [Double], curvature: Double) -> [[Double]] {
        let n = s.count
        let rho = 1 / curvature
        let hy = multiply(h, y)
        let yhy = dot(y, hy)
        var updated = h
        for i in 0..<n {
            for j in 0..<n {
                updated[i][j] += (1 + rho * yhy) * rho * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j])
            }
        }
        return updated
    }

    private static func identity(_ n: Int) -> [[Double]] {
        (0..<n).map { i in (0..<n).map { $0 == i ? 1 : 0 } }
    }

    private static func multiply(_ matrix: [[Double]], _ vector: [Double]) -> [Double] {
        matrix.map { dot($0, vector) }
    }

    private static func dot(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    private static func norm(_ vector: [Double]) -> Double {
        dot(vector, vector).squareRoot()
    }
}
