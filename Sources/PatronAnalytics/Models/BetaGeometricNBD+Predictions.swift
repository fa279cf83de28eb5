import RealModule

extension BetaGeometricNBD {
    /// P(alive | x, tₓ, T). A customer with no repeat purchase cannot have dropped out under BG/NBD
    /// (dropout happens only right after a purchase), so this is 1 for x = 0.
    public func probabilityAlive(frequency x: Int, recency: Double, age: Double) -> Double {
        guard x > 0 else { return 1 }
        let xd = Double(x)
        let logOdds = .log(a) - .log(b + xd - 1) + (r + xd) * (.log(alpha + age) - .log(alpha + recency))
        return 1 / (1 + .exp(logOdds))
    }

    /// E[X(T, T + t] | x, tₓ, T]: expected purchases in the next `t` time units.
    ///
    /// The published form multiplies ((α+T)/(α+T+t))^(r+x) by ₂F₁(r+x, b+x; a+b+x−1; z), whose terms
    /// overflow for frequent buyers. Euler's transformation ₂F₁(A,B;C;z) = (1−z)^(C−A−B) ₂F₁(C−A, C−B; C; z)
    /// turns the product into (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z), whose series is short and tame.
    public func expectedPurchases(within t: Double, frequency x: Int, recency: Double, age: Double) -> Double {
        guard t > 0 else { return 0 }
        return expectedPurchasesIfAlive(within: t, frequency: x, age: age)
            * probabilityAlive(frequency: x, recency: recency, age: age)
    }

    /// The same expectation for a customer known to be alive; it depends on x and T only, so callers
    /// predicting for many customers can share it between customers with equal (x, T).
    public func expectedPurchasesIfAlive(within t: Double, frequency x: Int, age: Double) -> Double {
        guard t > 0 else { return 0 }
        let xd = Double(x)
        let aMinusOne = abs(a - 1) < 1e-9 ? 1e-9 : a - 1
        let z = t / (alpha + age + t)
        let series = SpecialFunctions.hypergeometric2F1(a + b - 1 - r, aMinusOne, a + b + xd - 1, z)
        let tail = Double.exp(aMinusOne * Double.log(onePlus: -z)) * series
        return (a + b + xd - 1) / aMinusOne * (1 - tail)
    }

    /// E[X(t)]: expected purchases in a customer's first `t` time units after their first purchase
    /// (repeat purchases only), for a customer picked at random.
    public func expectedPurchasesOfNewCustomer(within t: Double) -> Double {
        expectedPurchasesIfAlive(within: t, frequency: 0, age: 0)
    }

    /// P(at least one purchase in the next `t` | x, tₓ, T). Exact under BG/NBD: no dropout can happen
    /// before that purchase, so it is P(alive) times the chance the Poisson clock fires, averaged over
    /// the posterior λ ~ Gamma(r + x, α + T).
    public func probabilityOfPurchase(within t: Double, frequency x: Int, recency: Double, age: Double) -> Double {
        let silent = Double.exp((r + Double(x)) * (.log(alpha + age) - .log(alpha + age + t)))
        return probabilityAlive(frequency: x, recency: recency, age: age) * (1 - silent)
    }

    /// The time from T until the next purchase is as likely to have happened as not (the median of the
    /// time to the next purchase), or nil when the customer is more likely never to buy again.
    public func medianTimeToNextPurchase(frequency x: Int, recency: Double, age: Double) -> Double? {
        let alive = probabilityAlive(frequency: x, recency: recency, age: age)
        guard alive > 0.5 else { return nil }
        let silent = 1 - 0.5 / alive
        return (alpha + age) * (Double.exp(-Double.log(silent) / (r + Double(x))) - 1)
    }
}
