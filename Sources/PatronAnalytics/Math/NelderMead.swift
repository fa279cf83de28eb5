/// Derivative-free minimisation (Nelder–Mead with the standard coefficients), deterministic from a
/// given start. Used to get near the optimum robustly before a gradient polish.
struct NelderMead {
    var maximumIterations = 5_000
    var tolerance = 1e-10
    /// Stop once every vertex is this close to the best one (in each coordinate) and values agree.
    var pointTolerance = 1e-9
    var initialStep = 0.5

    struct Result {
        var point: [Double]
        var value: Double
        var iterations: Int
    }

    func minimize(_ start: [Double], _ objective: ([Double]) -> Double) -> Result {
        let dimension = start.count
        var simplex = [start]
        for axis in 0..<dimension {
            var vertex = start
            vertex[axis] += initialStep
            simplex.append(vertex)
        }
        var values = simplex.map { Self.finite(objective($0)) }
        var iterations = 0
        while iterations < maximumIterations {
            iterations += 1
            let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            let best = values[0]
            let worst = values[dimension]
            if abs(worst - best) <= tolerance * (abs(best) + tolerance) && spread(simplex) < pointTolerance { break }

            var centroid = [Double](repeating: 0, count: dimension)
            for vertex in simplex.dropLast() {
                for axis in 0..<dimension { centroid[axis] += vertex[axis] / Double(dimension) }
            }
            func along(_ coefficient: Double) -> [Double] {
                (0..<dimension).map { centroid[$0] + coefficient * (simplex[dimension][$0] - centroid[$0]) }
            }
            let reflected = along(-1)
            let reflectedValue = Self.finite(objective(reflected))
            if reflectedValue < values[0] {
                let expanded = along(-2)
                let expandedValue = Self.finite(objective(expanded))
                if expandedValue < reflectedValue {
                    simplex[dimension] = expanded
                    values[dimension] = expandedValue
                } else {
                    simplex[dimension] = reflected
                    values[dimension] = reflectedValue
                }
            } else if reflectedValue < values[dimension - 1] {
                simplex[dimension] = reflected
                values[dimension] = reflectedValue
            } else {
                let outside = reflectedValue < values[dimension]
                let contracted = along(outside ? -0.5 : 0.5)
                let contractedValue = Self.finite(objective(contracted))
                if contractedValue < min(reflectedValue, values[dimension]) {
                    simplex[dimension] = contracted
                    values[dimension] = contractedValue
                } else {
                    for index in 1...dimension {
                        simplex[index] = (0..<dimension).map { simplex[0][$0] + 0.5 * (simplex[index][$0] - simplex[0][$0]) }
                        values[index] = Self.finite(objective(simplex[index]))
                    }
                }
            }
        }
        let bestIndex = values.indices.min { values[$0] < values[$1] } ?? 0
        return Result(point: simplex[bestIndex], value: values[bestIndex], iterations: iterations)
    }

    private func spread(_ simplex: [[Double]]) -> Double {
        var largest = 0.0
        for vertex in simplex.dropFirst() {
            for axis in vertex.indices { largest = max(largest, abs(vertex[axis] - simplex[0][axis])) }
        }
        return largest
    }

    /// NaN or infinite objective values count as the worst possible, so the simplex walks away from them.
    private static func finite(_ value: Double) -> Double {
        value.isFinite ? value : .greatestFiniteMagnitude
    }
}
