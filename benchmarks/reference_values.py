#!/usr/bin/env python3
"""Independent reference values for Patron's customer-lifetime models.

Computes, straight from the published formulas (not from the `lifetimes`
package), the numbers that PatronAnalyticsTests compares its Swift
implementation against, and prints them as one JSON document:

    python3 benchmarks/reference_values.py > Tests/PatronAnalyticsTests/Fixtures/reference-values.json

Needs only numpy, scipy and mpmath. Reads the CDNOW files from
Tests/PatronAnalyticsTests/Fixtures/ (or --data-dir DIR):

* CDNOW_sample.txt -- no header, whitespace separated: master id, sample id,
  date YYYYMMDD, number of CDs, dollars (2,357 customers, one in ten).
* cdnow_customers_summary.csv -- ID,frequency,recency,T in weeks over the
  39-week calibration period that ends 1997-09-30.

Sources
-------
* BG/NBD: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way:
  An Alternative to the Pareto/NBD Model", Marketing Science 24(2), 275-284:
    likelihood, E[X(t)] and E[Y(t) | x, t_x, T] from the paper;
    P(alive | x, t_x, T) from the companion note Fader, Hardie & Lee,
    "Computing P(alive) Using the BG/NBD Model" (2008).
  Published estimates on the 2,357-customer sample (weeks):
  r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.
* Gamma-Gamma: Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value
  Curves for Customer Base Analysis", JMR 42(4), and the accompanying note
  "The Gamma-Gamma Model of Monetary Value" (Fader & Hardie, 2013 rev.).
  The likelihood of a customer with x repeat transactions of mean value m is
    L = Gamma(p x + q) / (Gamma(p x) Gamma(q)) * gamma^q * m^(p x - 1)
        * x^(p x) / (gamma + x m)^(p x + q)
  (the density of the mean m; this is also the form `lifetimes` maximises),
  and E[M | x, m] = p (gamma + x m) / (p x + q - 1).
  Published estimates (946 repeat buyers): p = 6.25, q = 3.74, gamma = 15.44.

Closed forms are evaluated with mpmath at 50 significant digits (mpmath.hyp2f1
for the Gaussian hypergeometric function); the maximum-likelihood fits use
scipy.optimize (Nelder-Mead on log-parameters, then an L-BFGS-B polish) on
vectorised numpy/scipy.special log-likelihoods, and the log-likelihood at the
optimum is re-evaluated with mpmath.

All times are in weeks. Floats in the JSON are Python reprs of IEEE doubles
(closed forms are exact to double precision; MLE values are good to ~1e-7
relative, so compare them with a tolerance, e.g. 6 significant digits).
"""

import argparse
import datetime as dt
import json
import math
import os
import sys

import mpmath as mp
import numpy as np
from scipy import optimize, special

mp.mp.dps = 50


def mpf(v):
    """Number -> mpf, reading a float by its shortest decimal repr (so 0.243 is 0.243 exactly)."""
    if isinstance(v, mp.mpf):
        return v
    if isinstance(v, (int, np.integer)):
        return mp.mpf(int(v))
    return mp.mpf(repr(float(v)))

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA_DIR = os.path.join(HERE, "..", "Tests", "PatronAnalyticsTests", "Fixtures")

CALIBRATION_END = dt.date(1997, 9, 30)

PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_BGNBD_LL = -9582.4
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}

# (x, t_x, T) cases for the conditional quantities, weeks.
CASES = [
    (0, 0.0, 38.86),    # one-time buyer who bought at the very start
    (2, 30.43, 38.86),  # sample customer 1
    (1, 1.71, 38.86),   # sample customer 2
    (5, 20.0, 30.0),
    (14, 38.5, 38.86),  # heavy, recent buyer
    (30, 35.0, 38.0),   # heavier than anyone in the sample
    (0, 0.0, 10.0),     # recent one-time buyer
]
HORIZONS = [39, 52]
UNCONDITIONAL_HORIZONS = [39, 78]


# ---------------------------------------------------------------------------
# BG/NBD closed forms (mpmath)
# ---------------------------------------------------------------------------

def bgnbd_log_likelihood_one(r, alpha, a, b, x, t_x, T):
    """ln L(r, alpha, a, b | x, t_x, T) of one customer (FHL 2005)."""
    r, alpha, a, b = map(mpf, (r, alpha, a, b))
    x, t_x, T = mpf(x), mpf(t_x), mpf(T)
    common = mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(alpha)
    beta_ab = mp.log(mp.beta(a, b))
    term1 = mp.log(mp.beta(a, b + x)) - beta_ab + common - (r + x) * mp.log(alpha + T)
    if x == 0:
        return term1
    term2 = mp.log(mp.beta(a + 1, b + x - 1)) - beta_ab + common - (r + x) * mp.log(alpha + t_x)
    return term1 + mp.log(1 + mp.exp(term2 - term1))


def bgnbd_p_alive(r, alpha, a, b, x, t_x, T):
    """P(alive | x, t_x, T) = 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))."""
    r, alpha, a, b = map(mpf, (r, alpha, a, b))
    x, t_x, T = mpf(x), mpf(t_x), mpf(T)
    if x == 0:
        return mp.mpf(1)
    return 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))


def bgnbd_expected_purchases(r, alpha, a, b, t):
    """E[X(t)]: expected purchases in (0, t] of a customer acquired at 0 (FHL 2005)."""
    r, alpha, a, b, t = map(mpf, (r, alpha, a, b, t))
    h = mp.hyp2f1(r, b, a + b - 1, t / (alpha + t))
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * h)


def bgnbd_conditional_expected_purchases(r, alpha, a, b, t, x, t_x, T):
    """E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] given the history (FHL 2005)."""
    r, alpha, a, b, t = map(mpf, (r, alpha, a, b, t))
    x, t_x, T = mpf(x), mpf(t_x), mpf(T)
    h = mp.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    num = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * h)
    den = 1 + (a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x) if x > 0 else 0)
    return num / den


# ---------------------------------------------------------------------------
# BG/NBD vectorised log-likelihood (numpy/scipy) for the fit
# ---------------------------------------------------------------------------

def bgnbd_ll_vector(params, x, t_x, T):
    r, alpha, a, b = params
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    beta_ab = special.betaln(a, b)
    t1 = special.betaln(a, b + x) - beta_ab + common - (r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        t2 = np.where(
            x > 0,
            special.betaln(a + 1, np.maximum(b + x - 1, 1e-300)) - beta_ab + common
            - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    return np.logaddexp(t1, t2)


def fit(neg_ll, start):
    """Nelder-Mead on log-parameters, then L-BFGS-B polish. Returns params, LL."""
    f = lambda lp: neg_ll(np.exp(lp))
    nm = optimize.minimize(f, np.log(start), method="Nelder-Mead",
                           options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 40000, "maxfev": 80000})
    lb = optimize.minimize(f, nm.x, method="L-BFGS-B",
                           options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 10000})
    best = lb if lb.fun <= nm.fun else nm
    # Central-difference gradient of the log-likelihood w.r.t. the log-parameters
    # at the optimum (should be ~0; L-BFGS-B often stops with "ABNORMAL" in the
    # line search because Nelder-Mead already left nothing to improve).
    h = 1e-5
    grad = [(f(best.x + h * e) - f(best.x - h * e)) / (2 * h) for e in np.eye(len(best.x))]
    return np.exp(best.x), -best.fun, {
        "nelder_mead": str(nm.message), "lbfgsb": str(lb.message),
        "max_abs_gradient_log_params": float(np.max(np.abs(grad)))}


# ---------------------------------------------------------------------------
# Gamma-Gamma
# ---------------------------------------------------------------------------

def gg_ll_vector(params, x, m):
    p, q, g = params
    px = p * x
    return (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(g)
            + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(g + x * m))


def gg_ll_mp(params, x, m):
    p, q, g = map(mpf, params)
    total = mp.mpf(0)
    for xi, mi in zip(x, m):
        xi, mi = mpf(int(xi)), mpf(mi)
        px = p * xi
        total += (mp.loggamma(px + q) - mp.loggamma(px) - mp.loggamma(q) + q * mp.log(g)
                  + (px - 1) * mp.log(mi) + px * mp.log(xi) - (px + q) * mp.log(g + xi * mi))
    return total


def gg_conditional_expected_spend(p, q, g, x, m):
    p, q, g, x, m = map(mpf, (p, q, g, x, m))
    return p * (g + x * m) / (p * x + q - 1)


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------

def read_summary(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, 0].astype(int), data[:, 1], data[:, 2], data[:, 3]


def read_sample_transactions(path):
    """Returns {sample_id: {date: dollars summed over that day}}, all dates."""
    days = {}
    with open(path) as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                continue
            cid = int(parts[1])
            d = dt.datetime.strptime(parts[2], "%Y%m%d").date()
            dollars = float(parts[4])
            per = days.setdefault(cid, {})
            per[d] = per.get(d, 0.0) + dollars
    return days


def calibration_summary(days, end=CALIBRATION_END):
    """Per customer: frequency, recency (weeks), T (weeks), monetary (mean over repeat days)."""
    out = {}
    for cid, per in days.items():
        ds = sorted(d for d in per if d <= end)
        if not ds:
            continue
        first, last = ds[0], ds[-1]
        repeat = [per[d] for d in ds[1:]]
        out[cid] = {
            "frequency": len(ds) - 1,
            "recency": (last - first).days / 7.0,
            "T": (end - first).days / 7.0,
            "monetary": (math.fsum(repeat) / len(repeat)) if repeat else 0.0,
        }
    return out


def f(v):
    """mpf or numpy scalar -> Python float (nearest double)."""
    return float(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    args = ap.parse_args()
    summary_path = os.path.join(args.data_dir, "cdnow_customers_summary.csv")
    sample_path = os.path.join(args.data_dir, "CDNOW_sample.txt")

    P = PUBLISHED_BGNBD
    pr = (P["r"], P["alpha"], P["a"], P["b"])
    out = {
        "description": "Reference values computed by benchmarks/reference_values.py from the published "
                       "BG/NBD (Fader, Hardie & Lee 2005) and Gamma-Gamma formulas with mpmath "
                       "(50 digits); time unit weeks; CDNOW 2,357-customer sample, calibration ends 1997-09-30.",
        "generator": {"python": sys.version.split()[0], "numpy": np.__version__,
                      "scipy": __import__("scipy").__version__, "mpmath": mp.__version__},
    }

    # --- closed forms at the published parameters -------------------------
    cases = []
    for x, t_x, T in CASES:
        c = {"x": x, "t_x": t_x, "T": T, "p_alive": f(bgnbd_p_alive(*pr, x, t_x, T))}
        c["conditional_expected_purchases"] = {
            str(t): f(bgnbd_conditional_expected_purchases(*pr, t, x, t_x, T)) for t in HORIZONS}
        c["log_likelihood"] = f(bgnbd_log_likelihood_one(*pr, x, t_x, T))
        cases.append(c)
    out["bgnbd_published"] = {
        "params": P,
        "cases": cases,
        "expected_purchases_new_customer": {
            str(t): f(bgnbd_expected_purchases(*pr, t)) for t in UNCONDITIONAL_HORIZONS},
    }

    # --- log-likelihood of the summary at the published parameters ---------
    ids, x, t_x, T = read_summary(summary_path)
    ll_pub = mp.fsum(bgnbd_log_likelihood_one(*pr, int(xi), ti, Ti)
                     for xi, ti, Ti in zip(x, t_x, T))
    out["bgnbd_published"]["log_likelihood_summary"] = f(ll_pub)
    out["bgnbd_published"]["log_likelihood_summary_published"] = PUBLISHED_BGNBD_LL
    out["bgnbd_published"]["customers"] = int(len(ids))

    # --- BG/NBD MLE on the summary -----------------------------------------
    neg = lambda p: -np.sum(bgnbd_ll_vector(p, x, t_x, T))
    mle, ll_np, conv = fit(neg, np.array([1.0, 1.0, 1.0, 1.0]))
    ll_mle = mp.fsum(bgnbd_log_likelihood_one(*mle, int(xi), ti, Ti)
                     for xi, ti, Ti in zip(x, t_x, T))
    mle_cases = []
    for xi, ti, Ti in CASES:
        mle_cases.append({
            "x": xi, "t_x": ti, "T": Ti,
            "p_alive": f(bgnbd_p_alive(*mle, xi, ti, Ti)),
            "conditional_expected_purchases": {
                str(t): f(bgnbd_conditional_expected_purchases(*mle, t, xi, ti, Ti)) for t in HORIZONS},
        })
    out["bgnbd_mle"] = {
        "method": "scipy.optimize Nelder-Mead on log params from (1,1,1,1), then L-BFGS-B",
        "params": {"r": f(mle[0]), "alpha": f(mle[1]), "a": f(mle[2]), "b": f(mle[3])},
        "params_6sig": {k: float("%.6g" % v) for k, v in zip(("r", "alpha", "a", "b"), mle)},
        "log_likelihood": f(ll_mle),
        "log_likelihood_6sig": float("%.6g" % f(ll_mle)),
        "convergence": conv,
        "cases": mle_cases,
        "expected_purchases_new_customer": {
            str(t): f(bgnbd_expected_purchases(*mle, t)) for t in UNCONDITIONAL_HORIZONS},
    }

    # --- calibration summary from the transactions -------------------------
    days = read_sample_transactions(sample_path)
    cal = calibration_summary(days)
    mismatches = []
    for cid, xi, ti, Ti in zip(ids, x, t_x, T):
        s = cal.get(int(cid))
        if (s is None or s["frequency"] != int(xi) or round(s["recency"], 2) != round(ti, 2)
                or round(s["T"], 2) != round(Ti, 2)):
            mismatches.append(int(cid))
    first_rows = []
    for cid in ids[:5]:
        s = cal[int(cid)]
        first_rows.append({"id": int(cid), "frequency": s["frequency"], "recency": s["recency"],
                           "T": s["T"], "monetary": s["monetary"]})
    out["calibration_summary"] = {
        "rule": "dates <= 1997-09-30; same-day purchases merged (dollars summed); frequency = purchase days - 1; "
                "recency = (last - first)/7; T = (1997-09-30 - first)/7; monetary = mean dollars over repeat "
                "days (first day excluded), 0 when frequency = 0",
        "customers": len(cal),
        "customers_matching_summary_csv_at_2dp": len(ids) - len(mismatches),
        "mismatched_ids": mismatches,
        "repeat_customers": sum(1 for s in cal.values() if s["frequency"] > 0),
        "total_frequency": sum(s["frequency"] for s in cal.values()),
        "first_customers": first_rows,
    }

    # --- Gamma-Gamma MLE on repeat buyers ----------------------------------
    rep = sorted((cid, s) for cid, s in cal.items() if s["frequency"] > 0)
    gx = np.array([s["frequency"] for _, s in rep], dtype=float)
    gm = np.array([s["monetary"] for _, s in rep], dtype=float)
    gneg = lambda p: -np.sum(gg_ll_vector(p, gx, gm))
    gmle, _, gconv = fit(gneg, np.array([1.0, 1.0, 1.0]))
    gll = gg_ll_mp(gmle, gx, gm)
    gll_pub = gg_ll_mp((PUBLISHED_GG["p"], PUBLISHED_GG["q"], PUBLISHED_GG["gamma"]), gx, gm)

    # Example customers: sample customer 1, the first one-repeat-purchase
    # customer, and the heaviest buyer (largest x, then smallest id).
    one = min(cid for cid, s in rep if s["frequency"] == 1)
    heavy = max(rep, key=lambda cs: (cs[1]["frequency"], -cs[0]))[0]
    examples = []
    for cid in (1, one, heavy):
        s = cal[cid]
        examples.append({
            "id": cid, "x": s["frequency"], "m": s["monetary"],
            "expected_average_spend_mle": f(gg_conditional_expected_spend(*gmle, s["frequency"], s["monetary"])),
            "expected_average_spend_published": f(gg_conditional_expected_spend(
                PUBLISHED_GG["p"], PUBLISHED_GG["q"], PUBLISHED_GG["gamma"], s["frequency"], s["monetary"])),
        })
    out["gamma_gamma"] = {
        "customers": len(rep),
        "likelihood": "lgamma(p x + q) - lgamma(p x) - lgamma(q) + q ln gamma + (p x - 1) ln m + p x ln x "
                      "- (p x + q) ln(gamma + x m)",
        "method": "scipy.optimize Nelder-Mead on log params from (1,1,1), then L-BFGS-B",
        "params": {"p": f(gmle[0]), "q": f(gmle[1]), "gamma": f(gmle[2])},
        "params_6sig": {k: float("%.6g" % v) for k, v in zip(("p", "q", "gamma"), gmle)},
        "log_likelihood": f(gll),
        "log_likelihood_6sig": float("%.6g" % f(gll)),
        "convergence": gconv,
        "published_params": PUBLISHED_GG,
        "log_likelihood_at_published_params": f(gll_pub),
        "mean_monetary": f(mp.fsum(mpf(v) for v in gm) / len(gm)),
        "examples": examples,
    }

    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
