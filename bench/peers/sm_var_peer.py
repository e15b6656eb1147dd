"""Peer: statsmodels' VAR (statsmodels.tsa.vector_ar.var_model.VAR) for the var-macro and
var-bootstrap cases of bench/run.js.

Usage: /usr/bin/python3 bench/peers/sm_var_peer.py TASK.json OUT.json
Reads the task written by bench/run.js and writes timings (ms, wall clock of the timed calls only:
interpreter start-up, imports and JSON parsing are outside the timed region) and the numbers that
run.js compares with ardiff's (computed once more after the timed loop).

var-macro      VAR(Y).fit(p) + .irf(H) + .test_causality(caused, causing, kind='f') for every
               ordered pair (caused-major, the order of ardiff's grangerPairs). Y is a plain ndarray
               (no pandas), so the timing is not inflated by pandas indexing.
var-bootstrap  irf.errband_mc(orth=True, repl=R, signif=1 - level/100, seed=None) on the same fit:
               R Gaussian Monte Carlo replications (util.varsim with N(0, Σ_u) shocks, burn-in 100,
               refit VAR(p), orthogonalised MA coefficients), bands = order statistics. seed=None
               because statsmodels 0.13.5 re-creates RandomState(seed) inside every replication
               (util.varsim), so an integer seed makes all R simulated series identical and the bands
               collapse to one draw; with seed=None each replication draws fresh OS entropy.
"""
import json
import statistics
import sys
import time
import warnings

import numpy as np
import statsmodels
from statsmodels.tsa.vector_ar.var_model import VAR

warnings.simplefilter("ignore")


def main():
    with open(sys.argv[1]) as fh:
        task = json.load(fh)
    out = {"peer": "statsmodels", "version": f"statsmodels {statsmodels.__version__}, numpy {np.__version__}", "cases": {}}
    v = task["var"]
    Y = np.column_stack([np.asarray(c, dtype=float) for c in v["columns"]])
    k = Y.shape[1]
    p, H = v["lags"], v["h"]
    pairs = [(i, j) for i in range(k) for j in range(k) if i != j]

    if "var-macro" in task["cases"]:
        m = v["macro"]

        def one():
            res = VAR(Y).fit(p)
            irf = res.irf(H)
            tests = [res.test_causality(i, j, kind="f") for i, j in pairs]
            return res, irf, tests

        for _ in range(m["warmup"]):
            one()
        samples = []
        for _ in range(m["reps"]):
            t0 = time.perf_counter()
            one()
            samples.append((time.perf_counter() - t0) * 1000)
        res, irf, tests = one()
        out["cases"]["var-macro"] = {
            "ms": statistics.median(samples), "samples": samples,
            "params": np.asarray(res.params).tolist(),
            "sigmaU": np.asarray(res.sigma_u).tolist(),
            "irf": np.asarray(irf.irfs).tolist(),
            "orthIrf": np.asarray(irf.orth_irfs).tolist(),
            "grangerF": [float(t.test_statistic) for t in tests],
            "grangerP": [float(t.pvalue) for t in tests],
            "grangerDf": [[int(d) for d in t.df] for t in tests],
        }

    if "var-bootstrap" in task["cases"]:
        b = v["bootstrap"]
        res = VAR(Y).fit(p)
        irf = res.irf(H)
        signif = 1 - b["level"] / 100

        def one():
            return irf.errband_mc(orth=True, repl=b["repl"], signif=signif, seed=None)

        for _ in range(b["warmup"]):
            one()
        samples = []
        lower = upper = None
        for _ in range(b["reps"]):
            t0 = time.perf_counter()
            lower, upper = one()
            samples.append((time.perf_counter() - t0) * 1000)
        out["cases"]["var-bootstrap"] = {
            "ms": statistics.median(samples), "samples": samples,
            "lower": np.asarray(lower).tolist(), "upper": np.asarray(upper).tolist(),
        }

    with open(sys.argv[2], "w") as fh:
        json.dump(out, fh)


if __name__ == "__main__":
    main()
