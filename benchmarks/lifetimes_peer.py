#!/usr/bin/env python3
"""Peer benchmark: the same customer-lifetime pipeline as Patron, run with `lifetimes`.

Input: a CSV with the header `customer_id,date,amount` (one row per order;
ISO-8601 dates, with or without a time and offset). The script times, with the
wall clock, each stage of the usual lifetimes 0.11.3 pipeline:

  load                 pandas.read_csv + ISO-8601 date parsing (not a lifetimes call)
  summary              lifetimes.utils.summary_data_from_transaction_data(freq="D",
                       monetary_value_col="amount", observation_period_end=--until)
  bgnbd_fit            BetaGeoFitter().fit(frequency, recency, T)           (days)
  gamma_gamma_fit      GammaGammaFitter().fit(...) on repeat buyers with monetary_value > 0
  p_alive              bgf.conditional_probability_alive(...)                every customer
  expected_purchases   bgf.conditional_expected_number_of_purchases_up_to_time(--horizon, ...)
  clv                  ggf.customer_lifetime_value(bgf, ..., time=--clv-months,
                       discount_rate=--discount-rate, freq="D")              every customer
  predictions          p_alive + expected_purchases + clv
  total                everything above, load included

and prints one JSON line with the timings (seconds), the peak RSS of the
process (resource.getrusage, MiB), the fitted parameters (BG/NBD in days), the
customer counts and a few aggregates of the predictions (to compare with
Patron's numbers on the same data).

Usage:
    python benchmarks/lifetimes_peer.py transactions.csv --until 2011-12-09 --horizon 90
    python benchmarks/lifetimes_peer.py transactions.csv --until 1997-09-30 --horizon 365 \
        --predictions-out /tmp/lifetimes-predictions.csv

Install the peer's dependencies with `pip install -r benchmarks/requirements-lifetimes.txt`.
"""

import argparse
import json
import platform
import resource
import sys
import time
import warnings

warnings.simplefilter("ignore")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy  # noqa: E402

import lifetimes  # noqa: E402
from lifetimes import BetaGeoFitter, GammaGammaFitter  # noqa: E402
from lifetimes.utils import summary_data_from_transaction_data  # noqa: E402


def peak_rss_mib():
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024.0 * 1024.0) if sys.platform == "darwin" else rss / 1024.0


def main():
    ap = argparse.ArgumentParser(description="Time the lifetimes BG/NBD + Gamma-Gamma pipeline on a CSV.")
    ap.add_argument("csv", help="transactions CSV with header customer_id,date,amount")
    ap.add_argument("--until", help="end of the observation period (date, inclusive); default: last date in the file")
    ap.add_argument("--horizon", type=float, default=365.0, help="prediction horizon in days (default 365)")
    ap.add_argument("--clv-months", type=int, default=None,
                    help="CLV horizon in whole months (lifetimes steps in 30-day months); default round(horizon/30), at least 1")
    ap.add_argument("--discount-rate", type=float, default=0.01, help="monthly CLV discount rate (default 0.01)")
    ap.add_argument("--penalizer", type=float, default=0.0,
                    help="penalizer_coef for both fitters (default 0: plain maximum likelihood, as Patron)")
    ap.add_argument("--predictions-out", help="also write per-customer predictions to this CSV (not timed)")
    args = ap.parse_args()
    clv_months = args.clv_months or max(1, int(round(args.horizon / 30.0)))

    timings = {}
    t_start = time.perf_counter()

    def stage(name, t0):
        t1 = time.perf_counter()
        timings[name] = round(t1 - t0, 6)
        return t1

    # --- load ------------------------------------------------------------
    t = time.perf_counter()
    tx = pd.read_csv(args.csv)
    missing = {"customer_id", "date", "amount"} - set(tx.columns)
    if missing:
        sys.exit(f"missing column(s) {sorted(missing)}; expected header customer_id,date,amount")
    # Naive times are taken as UTC; times with an offset are converted to UTC.
    tx["date"] = pd.to_datetime(tx["date"], format="ISO8601", utc=True).dt.tz_localize(None)
    until = (pd.Timestamp(args.until) if args.until else tx["date"].max())
    if until.tzinfo is not None:
        until = until.tz_convert("UTC").tz_localize(None)
    rows = len(tx)
    t = stage("load", t)

    # --- summary ---------------------------------------------------------
    summary = summary_data_from_transaction_data(
        tx, "customer_id", "date", monetary_value_col="amount",
        observation_period_end=until, freq="D")
    t = stage("summary", t)

    # --- BG/NBD ----------------------------------------------------------
    bgf = BetaGeoFitter(penalizer_coef=args.penalizer)
    bgf.fit(summary["frequency"], summary["recency"], summary["T"])
    t = stage("bgnbd_fit", t)

    # --- Gamma-Gamma -----------------------------------------------------
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    ggf = GammaGammaFitter(penalizer_coef=args.penalizer)
    ggf.fit(repeat["frequency"], repeat["monetary_value"])
    t = stage("gamma_gamma_fit", t)

    # --- predictions -----------------------------------------------------
    t_pred = t
    p_alive = bgf.conditional_probability_alive(summary["frequency"], summary["recency"], summary["T"])
    t = stage("p_alive", t)
    expected = bgf.conditional_expected_number_of_purchases_up_to_time(
        args.horizon, summary["frequency"], summary["recency"], summary["T"])
    t = stage("expected_purchases", t)
    clv = ggf.customer_lifetime_value(
        bgf, summary["frequency"], summary["recency"], summary["T"], summary["monetary_value"],
        time=clv_months, discount_rate=args.discount_rate, freq="D")
    t = stage("clv", t)
    timings["predictions"] = round(t - t_pred, 6)
    timings["total"] = round(t - t_start, 6)

    p_alive = np.asarray(p_alive, dtype=float)
    expected = np.asarray(expected, dtype=float)
    clv_values = np.asarray(clv, dtype=float)

    result = {
        "tool": "lifetimes",
        "versions": {"python": platform.python_version(), "lifetimes": lifetimes.__version__,
                     "numpy": np.__version__, "scipy": scipy.__version__, "pandas": pd.__version__},
        "input": {"csv": args.csv, "rows": rows, "until": until.isoformat(), "horizon_days": args.horizon,
                  "clv_months": clv_months, "discount_rate": args.discount_rate,
                  "penalizer": args.penalizer},
        "customers": int(len(summary)),
        "repeat_customers": int((summary["frequency"] > 0).sum()),
        "gamma_gamma_customers": int(len(repeat)),
        "timings_s": timings,
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "params": {
            "bgnbd_days": {k: float(v) for k, v in bgf.params_.items()},
            "gamma_gamma": {"p": float(ggf.params_["p"]), "q": float(ggf.params_["q"]),
                            "gamma": float(ggf.params_["v"])},
        },
        "aggregates": {
            "mean_p_alive": float(p_alive.mean()),
            "sum_expected_purchases": float(expected.sum()),
            "sum_clv": float(clv_values.sum()),
        },
    }

    if args.predictions_out:
        out = summary.copy()
        out["p_alive"] = p_alive
        out["expected_purchases"] = expected
        out["clv"] = clv_values
        out.index.name = "customer_id"
        out.to_csv(args.predictions_out, float_format="%.10g")

    print(json.dumps(result))


if __name__ == "__main__":
    main()
