"""Peer: statsmodels' ARIMA (statsmodels.tsa.arima.model.ARIMA, its defaults) + get_forecast(h).

Usage: /usr/bin/python3 bench/peers/sm_peer.py TASK.json OUT.json
Reads the task written by bench/run.js and writes timings (ms, wall clock of the fit+forecast loop
only: interpreter start-up, imports and JSON parsing are outside the timed region) and the
log-likelihoods of the fits: `llf` as statsmodels reports it, and `llfExact`, statsmodels' estimates
plugged into the exact likelihood of the differenced series (ARIMA on the differenced data, trend
'n', computed after the timed loop). statsmodels' default ARIMA keeps the differencing in the state
and gives those states an approximate diffuse prior (variance 1e6, first d observations burned),
so its llf is only approximately the differenced-data likelihood that ardiff and R report. statsmodels has no automatic order selection, so the
auto-x200 case is not run. (The file is not called statsmodels.py: that would shadow the package.)
"""
import json
import statistics
import sys
import time
import warnings

import numpy as np
import statsmodels
from statsmodels.tsa.arima.model import ARIMA

warnings.simplefilter("ignore")


def main():
    with open(sys.argv[1]) as fh:
        task = json.load(fh)
    out = {"peer": "statsmodels", "version": f"statsmodels {statsmodels.__version__}, numpy {np.__version__}", "cases": {}}
    series = [np.asarray(s["values"], dtype=float) for s in task["series"]]

    if "airline" in task["cases"]:
        a = task["airline"]
        y = np.asarray(a["y"], dtype=float)
        seasonal = tuple(a["seasonal"]) + (a["period"],)

        def one():
            res = ARIMA(y, order=tuple(a["order"]), seasonal_order=seasonal).fit()
            res.get_forecast(a["h"])
            return res

        for _ in range(a["warmup"]):
            one()
        samples = []
        for _ in range(a["reps"]):
            t0 = time.perf_counter()
            res = one()
            samples.append((time.perf_counter() - t0) * 1000)
        w = y
        for _ in range(a["seasonal"][1]):
            w = w[a["period"]:] - w[: -a["period"]]
        w = np.diff(w, n=a["order"][1])
        exact = ARIMA(w, order=(a["order"][0], 0, a["order"][2]),
                      seasonal_order=(a["seasonal"][0], 0, a["seasonal"][2], a["period"]), trend="n").loglike(res.params)
        out["cases"]["airline"] = {"ms": statistics.median(samples), "samples": samples, "llf": float(res.llf), "llfExact": float(exact)}

    if "arima111-x200" in task["cases"]:
        b = task["arima111"]

        def one(v):
            try:
                res = ARIMA(v, order=tuple(b["order"])).fit()
                res.get_forecast(b["h"])
                return res
            except Exception:  # noqa: BLE001 - a failed fit is counted, not fatal
                return None

        def exact(v, res):
            try:
                p, d, q = b["order"]
                return float(ARIMA(np.diff(v, n=d), order=(p, 0, q), trend="n").loglike(res.params))
            except Exception:  # noqa: BLE001
                return None

        def clean(x):
            return x if x is not None and np.isfinite(x) else None

        for v in series[: b["warmup"]]:
            one(v)
        totals = []
        fits = []
        for _ in range(b["reps"]):
            t0 = time.perf_counter()
            fits = [one(v) for v in series]
            totals.append((time.perf_counter() - t0) * 1000)
        llf = [clean(float(r.llf)) if r is not None else None for r in fits]
        llf_exact = [clean(exact(v, r)) if r is not None else None for v, r in zip(series, fits)]
        failed = sum(1 for v in llf if v is None)
        out["cases"]["arima111-x200"] = {"ms": statistics.median(totals), "samples": totals, "llf": llf,
                                         "llfExact": llf_exact, "failed": failed}

    with open(sys.argv[2], "w") as fh:
        json.dump(out, fh)


if __name__ == "__main__":
    main()
