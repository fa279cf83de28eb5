#!/usr/bin/env python3
"""Cross-check Fixtures/reference-values.json against the `lifetimes` package.

reference_values.py computes everything from the published formulas without
lifetimes; this script recomputes the same numbers with lifetimes 0.11.3
(install it with `pip install -r benchmarks/requirements-lifetimes.txt`) and
prints the largest relative differences. Exit status 1 if any closed-form value
differs by more than 1e-9 relative, or any fitted parameter by more than 1e-4.

    python benchmarks/crosscheck_lifetimes.py [--fixtures DIR]
"""

import argparse
import json
import os
import sys
import warnings

import numpy as np
import pandas as pd

warnings.simplefilter("ignore")
from lifetimes import BetaGeoFitter, GammaGammaFitter  # noqa: E402
from lifetimes.utils import summary_data_from_transaction_data  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def scalar(v):
    return float(np.asarray(v).reshape(-1)[0])


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", default=os.path.join(HERE, "..", "Tests", "PatronAnalyticsTests", "Fixtures"))
    args = ap.parse_args()
    ref = json.load(open(os.path.join(args.fixtures, "reference-values.json")))
    worst = {"closed_form": 0.0, "fit": 0.0}
    rows = []

    def check(kind, name, got, want):
        d = rel(got, want)
        worst[kind] = max(worst[kind], d)
        rows.append((kind, name, got, want, d))

    # Closed forms at the published parameters.
    pub = ref["bgnbd_published"]
    bgf = BetaGeoFitter()
    bgf.params_ = pd.Series([pub["params"][k] for k in ("r", "alpha", "a", "b")], index=["r", "alpha", "a", "b"])
    for c in pub["cases"]:
        x, tx, T = c["x"], c["t_x"], c["T"]
        check("closed_form", f"p_alive{(x, tx, T)}", scalar(bgf.conditional_probability_alive(x, tx, T)), c["p_alive"])
        for t, v in c["conditional_expected_purchases"].items():
            got = scalar(bgf.conditional_expected_number_of_purchases_up_to_time(float(t), x, tx, T))
            check("closed_form", f"E[Y({t})]{(x, tx, T)}", got, v)
    for t, v in pub["expected_purchases_new_customer"].items():
        check("closed_form", f"E[X({t})]", scalar(bgf.expected_number_of_purchases_up_to_time(float(t))), v)

    summary = pd.read_csv(os.path.join(args.fixtures, "cdnow_customers_summary.csv"))
    x, tx, T = summary["frequency"].values, summary["recency"].values, summary["T"].values
    log_params = np.log([pub["params"][k] for k in ("r", "alpha", "a", "b")])
    ll = -BetaGeoFitter._negative_log_likelihood(log_params, x, tx, T, np.ones_like(x), 0.0) * len(x)
    check("closed_form", "LL(published)", ll, pub["log_likelihood_summary"])

    # BG/NBD fit (lifetimes rescales time internally; parameters come back in weeks).
    fitted = BetaGeoFitter().fit(x, tx, T)
    for k, v in ref["bgnbd_mle"]["params"].items():
        check("fit", f"bgnbd {k}", float(fitted.params_[k]), v)
    ll_fit = -BetaGeoFitter._negative_log_likelihood(np.log(fitted.params_.values), x, tx, T, np.ones_like(x), 0.0) * len(x)
    check("fit", "bgnbd LL", ll_fit, ref["bgnbd_mle"]["log_likelihood"])

    # Calibration summary with lifetimes' own helper, from the raw sample.
    raw = pd.read_csv(os.path.join(args.fixtures, "CDNOW_sample.txt"), sep=r"\s+", header=None,
                      names=["master", "id", "date", "cds", "dollars"])
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    s = summary_data_from_transaction_data(raw, "id", "date", monetary_value_col="dollars",
                                           observation_period_end="1997-09-30", freq="D", freq_multiplier=7)
    s = s.loc[summary["ID"].values]
    same = (np.all(s["frequency"].values == x) and np.allclose(s["recency"].round(2).values, tx)
            and np.allclose(s["T"].round(2).values, T))
    rows.append(("summary", "lifetimes summary == cdnow_customers_summary.csv (2 dp)", same, True, 0.0 if same else 1.0))

    rep = s[s["frequency"] > 0]
    gg = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
    g = ref["gamma_gamma"]
    for k, lk in (("p", "p"), ("q", "q"), ("gamma", "v")):
        check("fit", f"gg {k}", float(gg.params_[lk]), g["params"][k])
    for e in g["examples"]:
        check("fit", f"gg m[{e['id']}] (lifetimes summary)", float(s.loc[e["id"], "monetary_value"]), e["m"])
        got = float(gg.conditional_expected_average_profit(pd.Series([e["x"]]), pd.Series([e["m"]])).iloc[0])
        check("fit", f"gg E[M|{e['id']}]", got, e["expected_average_spend_mle"])

    for kind, name, got, want, d in rows:
        print(f"{kind:12s} {name:50s} lifetimes={got!r:<24} reference={want!r:<24} rel={d:.2e}")
    print(json.dumps({"max_rel_closed_form": worst["closed_form"], "max_rel_fit": worst["fit"],
                      "summary_matches": bool(same)}))
    ok = worst["closed_form"] <= 1e-9 and worst["fit"] <= 1e-4 and same
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
