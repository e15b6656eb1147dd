/**
 * The multivariate and spatial cases of the benchmark (bench/run.js runs them; see its header):
 * the task data every peer gets, ardiff's timed calls, and the agreement checks between ardiff's
 * numbers and a peer's.
 *
 *   var-macro           VAR(2) fit + IRF(10) + the 6 pairwise Granger F tests on the statsmodels
 *                       macrodata (Δlog realgdp, realcons, realinv; 202 quarters), vs statsmodels
 *                       VAR(Y).fit(2), .irf(10), .test_causality(i, j, kind='f').
 *   var-bootstrap       1000 Monte Carlo IRF replications (H = 10, Gaussian N(0, Σ_u) shocks, refit,
 *                       95% pointwise bands) on that fit: ardiff irfBootstrap(10, { method:
 *                       'gaussian' }) (plain and orthogonalised bands) vs statsmodels
 *                       irf.errband_mc(orth=True, repl=1000) (orthogonalised bands).
 *   sar-boston          SAR (spatial lag) ML on Boston housing, n = 506, sphere-of-influence weights
 *   sem-boston          (data/spatial_boston_edges.csv), row-standardised, eigenvalue Jacobian:
 *                       Harrison & Rubinfeld's hedonic equation log(CMEDV) ~ CRIM + ZN + INDUS +
 *                       CHAS + NOX² + RM² + AGE + log(DIS) + log(RAD) + TAX + PTRATIO + B +
 *                       log(LSTAT) (the spdep/spatialreg Boston example); each call builds the
 *                       weights (and so their eigenvalues) and fits; vs R spatialreg lagsarlm /
 *                       errorsarlm(method = "eigen").
 *   lasso-path          LASSO path of the first equation (dl_realgdp) of a VAR(4) in 9 macrodata
 *                       variables (198 × 36 design of test/fixtures/classical/lasso_var_macro9.json)
 *                       on glmnet's 100-value grid λ_max … 1e-4·λ_max (standardize = FALSE):
 *                       ardiff lassoPath (exact, KKT ≤ 1e-12·λ_max) vs R glmnet(lambda = grid).
 *   lasso-default-path  the same equation on glmnet's own default sequence with its early stop:
 *                       ardiff glmnetPath (glmnet's algorithm, thresh 1e-7) vs R glmnet().
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export const MULTI_CASES = ['var-macro', 'var-bootstrap', 'sar-boston', 'sem-boston', 'lasso-path', 'lasso-default-path'];

// Warm-up and timed repetitions (the same counts for every peer); ardiff's times per call are
// about 0.5 ms (var-macro), 0.8 s (var-bootstrap), 2 s (sar/sem), 0.1 s (lasso-path).
export const MULTI_COUNTS = {
  varMacro: { warmup: 20, reps: 50 },
  varBoot: { warmup: 1, reps: 3, repl: 1000, level: 95 },
  spatial: { warmup: 1, reps: 3 },
  lasso: { warmup: 10, reps: 25 },
};
const IRF_H = 10;
const VAR_LAGS = 2;

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Numeric columns of a data/ CSV by header name. */
export function readCsv(root, file) {
  const lines = readFileSync(`${root}data/${file}`, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.replace(/"/g, ''));
  const rows = lines.slice(1).map((l) => l.split(',').map((c) => Number(c.replace(/"/g, ''))));
  return Object.fromEntries(header.map((h, j) => [h, rows.map((r) => r[j])]));
}

/** Loads the ardiff modules the chosen cases need (compiled API in dist/). */
export async function loadArdiff(cases) {
  const mods = {};
  if (cases.some((c) => c.startsWith('var-'))) {
    ({ fitVAR: mods.fitVAR } = await import('../dist/classical/var.js'));
    ({ createRng: mods.createRng } = await import('../dist/core/rng.js'));
  }
  if (cases.some((c) => c.endsWith('-boston'))) {
    ({ spatialWeights: mods.spatialWeights, fitSAR: mods.fitSAR, fitSEM: mods.fitSEM } = await import('../dist/classical/spatial.js'));
  }
  if (cases.some((c) => c.startsWith('lasso-'))) {
    ({ lassoPath: mods.lassoPath, glmnetPath: mods.glmnetPath, varDesign: mods.varDesign, glmnetLambdaSequence: mods.glmnetLambdaSequence } = await import('../dist/classical/lasso-var.js'));
  }
  return mods;
}

/** The task fields of the multivariate/spatial cases: { var, spatial, lasso } (only those needed). */
export function buildMultiTask(root, cases, mods) {
  const task = {};
  const macro = cases.some((c) => c.startsWith('var-') || c.startsWith('lasso-')) ? readCsv(root, 'sm_macrodata.csv') : null;
  if (cases.some((c) => c.startsWith('var-'))) {
    const names = ['realgdp', 'realcons', 'realinv'];
    const dlog = (x) => x.slice(1).map((v, i) => Math.log(v) - Math.log(x[i]));
    task.var = {
      names, columns: names.map((nm) => dlog(macro[nm])), lags: VAR_LAGS, h: IRF_H,
      macro: MULTI_COUNTS.varMacro, bootstrap: MULTI_COUNTS.varBoot,
    };
  }
  if (cases.some((c) => c.endsWith('-boston'))) {
    const b = readCsv(root, 'spatial_boston.csv');
    const e = readCsv(root, 'spatial_boston_edges.csv');
    const n = b.id.length;
    // The edge list names the data's id column; R's side indexes rows, so ids must be 1..n in order.
    if (!b.id.every((id, i) => id === i + 1)) throw new Error('data/spatial_boston.csv: id column is not 1..n in row order');
    const sq = (x) => x.map((v) => v * v);
    const columns = {
      CRIM: b.CRIM, ZN: b.ZN, INDUS: b.INDUS, CHAS: b.CHAS, NOX2: sq(b.NOX), RM2: sq(b.RM), AGE: b.AGE,
      logDIS: b.DIS.map(Math.log), logRAD: b.RAD.map(Math.log), TAX: b.TAX, PTRATIO: b.PTRATIO, B: b.B,
      logLSTAT: b.LSTAT.map(Math.log),
    };
    task.spatial = {
      n, y: b.CMEDV.map(Math.log), names: Object.keys(columns), columns, edges: { from: e.from, to: e.to },
      ...MULTI_COUNTS.spatial,
    };
  }
  if (cases.some((c) => c.startsWith('lasso-'))) {
    const vars = ['realgdp', 'realcons', 'realinv', 'realgovt', 'realdpi', 'cpi', 'm1', 'tbilrate', 'unemp'];
    const transform = Object.fromEntries(vars.map((v) => [v, v === 'tbilrate' || v === 'unemp' ? 'diff' : 'dlog100']));
    const design = mods.varDesign(Object.fromEntries(vars.map((v) => [v, macro[v]])), 4, transform);
    const x = design.x, y = design.y.map((r) => r[0]);
    // λ_max = max_j |x_jc'(y − ȳ)|/n (glmnet, standardize = FALSE); grid = glmnet's sequence.
    const n = x.length, p = x[0].length;
    const ybar = y.reduce((s, v) => s + v, 0) / n;
    let lambdaMax = 0;
    for (let j = 0; j < p; j++) {
      const xbar = x.reduce((s, r) => s + r[j], 0) / n;
      let c = 0;
      for (let i = 0; i < n; i++) c += (x[i][j] - xbar) * (y[i] - ybar);
      lambdaMax = Math.max(lambdaMax, Math.abs(c) / n);
    }
    task.lasso = {
      equation: 'dl_realgdp', x, y, lambdaMax, lambda: mods.glmnetLambdaSequence(lambdaMax, n, p, 100),
      ...MULTI_COUNTS.lasso,
    };
  }
  return task;
}

function timeIt(warmup, reps, one) {
  for (let i = 0; i < warmup; i++) one(i);
  const samples = [];
  let last;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    last = one(warmup + r);
    samples.push(performance.now() - t0);
  }
  return { ms: median(samples), samples, last };
}

/** Times ardiff on the multivariate/spatial cases; returns { case: { ms, samples, …numbers } }. */
export function timeArdiffMulti(mods, task, cases) {
  const res = {};
  if (task.var) {
    const v = task.var;
    const data = Object.fromEntries(v.names.map((nm, j) => [nm, Float64Array.from(v.columns[j])]));
    if (cases.includes('var-macro')) {
      const t = timeIt(v.macro.warmup, v.macro.reps, () => {
        const fit = mods.fitVAR(data, { lags: v.lags });
        return { fit, irf: fit.irf(v.h), granger: fit.grangerPairs('f') };
      });
      const { fit, irf, granger } = t.last;
      res['var-macro'] = {
        ms: t.ms, samples: t.samples, params: fit.params, sigmaU: fit.sigmaU, irf: irf.plain, orthIrf: irf.orthogonalized,
        grangerF: granger.map((g) => g.statistic), grangerP: granger.map((g) => g.pValue), grangerDf: granger.map((g) => g.df),
      };
    }
    if (cases.includes('var-bootstrap')) {
      const b = v.bootstrap;
      const fit = mods.fitVAR(data, { lags: v.lags });
      const t = timeIt(b.warmup, b.reps, (i) => fit.irfBootstrap(v.h, { reps: b.repl, rng: mods.createRng(1000 + i), level: b.level, method: 'gaussian' }));
      res['var-bootstrap'] = {
        ms: t.ms, samples: t.samples, lower: t.last.orthogonalized.lower, upper: t.last.orthogonalized.upper,
        se: fit.irfStdErrors(v.h, true),
      };
    }
  }
  if (task.spatial) {
    const s = task.spatial;
    const y = Float64Array.from(s.y);
    const X = Object.fromEntries(s.names.map((nm) => [nm, Float64Array.from(s.columns[nm])]));
    for (const [c, fitter] of [['sar-boston', mods.fitSAR], ['sem-boston', mods.fitSEM]]) {
      if (!cases.includes(c)) continue;
      const t = timeIt(s.warmup, s.reps, () => fitter(y, X, mods.spatialWeights(s.edges, s.n), { yName: 'log(CMEDV)' }));
      const f = t.last;
      res[c] = {
        ms: t.ms, samples: t.samples, spatial: f.spatial, spatialSe: f.spatialStdError, logLik: f.llf,
        coef: f.params, se: f.bse, sigma2: f.sigma2,
      };
    }
  }
  if (task.lasso) {
    const l = task.lasso;
    if (cases.includes('lasso-path')) {
      const t = timeIt(l.warmup, l.reps, () => mods.lassoPath(l.x, l.y, { lambda: l.lambda }));
      res['lasso-path'] = { ms: t.ms, samples: t.samples, lambda: t.last.lambda, intercept: t.last.intercept, coef: t.last.coef, kkt: t.last.kktViolation };
    }
    if (cases.includes('lasso-default-path')) {
      const t = timeIt(l.warmup, l.reps, () => mods.glmnetPath(l.x, l.y, { standardize: false }));
      res['lasso-default-path'] = { ms: t.ms, samples: t.samples, lambda: t.last.lambda, intercept: t.last.intercept, coef: t.last.coef, devRatio: t.last.devRatio };
    }
  }
  return res;
}

// ---------------------------------------------------------------- agreement

const flat = (a) => (Array.isArray(a) ? a.flatMap(flat) : [a]);
/** Normwise relative difference max|a − b| / max|b| (∞-norms over all entries). */
function normRel(a, b) {
  const x = flat(a), y = flat(b);
  if (x.length !== y.length) return NaN;
  let d = 0, s = 0;
  for (let i = 0; i < x.length; i++) { d = Math.max(d, Math.abs(x[i] - y[i])); s = Math.max(s, Math.abs(y[i])); }
  return s > 0 ? d / s : d;
}
function maxAbs(a, b) {
  const x = flat(a), y = flat(b);
  if (x.length !== y.length) return NaN;
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
}
/** Elementwise max |a_i − b_i|/|b_i| (entries with b_i = 0 must match exactly). */
function maxRel(a, b) {
  const x = flat(a), y = flat(b);
  if (x.length !== y.length) return NaN;
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, y[i] === 0 ? Math.abs(x[i]) : Math.abs(x[i] - y[i]) / Math.abs(y[i]));
  return d;
}
const e = (x) => (Number.isFinite(x) ? x.toExponential(1) : String(x));

/** (1/2n)·RSS + λ·Σ|b| of one solution on the task's design. */
function lassoObjective(l, b0, b, lambda) {
  let rss = 0;
  for (let i = 0; i < l.y.length; i++) {
    let f = b0;
    const row = l.x[i];
    for (let j = 0; j < b.length; j++) f += row[j] * b[j];
    rss += (l.y[i] - f) ** 2;
  }
  return rss / (2 * l.y.length) + lambda * b.reduce((s, v) => s + Math.abs(v), 0);
}

/**
 * Agreement of ardiff's numbers with a peer's on one case: { fields (for the JSON row), text (one
 * line for the table), problems (disagreements beyond the tolerances named, to report as bugs) }.
 */
export function compareMulti(c, mine, theirs, task) {
  const problems = [];
  const check = (what, value, tol) => {
    if (!(value <= tol)) problems.push(`${what} ${e(value)} > ${e(tol)}`);
  };
  if (c === 'var-macro') {
    const f = {
      paramsRel: normRel(mine.params, theirs.params), sigmaURel: normRel(mine.sigmaU, theirs.sigmaU),
      irfRel: normRel(mine.irf, theirs.irf), orthIrfRel: normRel(mine.orthIrf, theirs.orthIrf),
      grangerFRel: maxRel(mine.grangerF, theirs.grangerF), grangerPAbs: maxAbs(mine.grangerP, theirs.grangerP),
      grangerDfEqual: JSON.stringify(mine.grangerDf) === JSON.stringify(theirs.grangerDf),
    };
    check('params (normwise rel)', f.paramsRel, 1e-9);
    check('sigma_u (normwise rel)', f.sigmaURel, 1e-9);
    check('irf (normwise rel)', f.irfRel, 1e-9);
    check('orth irf (normwise rel)', f.orthIrfRel, 1e-9);
    check('Granger F (max rel)', f.grangerFRel, 1e-8);
    check('Granger p (max abs)', f.grangerPAbs, 1e-10);
    if (!f.grangerDfEqual) problems.push(`Granger df differ: ${JSON.stringify(mine.grangerDf)} vs ${JSON.stringify(theirs.grangerDf)}`);
    return { fields: f, text: `params ${e(f.paramsRel)}, irf ${e(f.irfRel)}, orth ${e(f.orthIrfRel)}, F ${e(f.grangerFRel)}, p ${e(f.grangerPAbs)}`, problems };
  }
  if (c === 'var-bootstrap') {
    // Both are Monte Carlo estimates of the same quantiles: differences in units of the
    // asymptotic standard error of the orthogonalised response (entries with se = 0 skipped: the
    // upper triangle at h = 0, zero by construction on both sides).
    const ratios = [], widths = [];
    let degenerate = 0, exactZeroMismatch = 0;
    const seMax = Math.max(...flat(mine.se));
    mine.se.forEach((m, h) => m.forEach((r, i) => r.forEach((se, j) => {
      const [al, au, pl, pu] = [mine.lower[h][i][j], mine.upper[h][i][j], theirs.lower[h][i][j], theirs.upper[h][i][j]];
      if (se > 1e-12 * seMax) {
        ratios.push(Math.abs(al - pl) / se, Math.abs(au - pu) / se);
        if (pu > pl) widths.push((au - al) / (pu - pl)); else degenerate++;
      } else if (Math.abs(al) + Math.abs(au) + Math.abs(pl) + Math.abs(pu) > 1e-15) exactZeroMismatch++;
    })));
    const f = { maxDiffOverSe: Math.max(...ratios), medianDiffOverSe: median(ratios), medianWidthRatio: widths.length ? median(widths) : NaN, degeneratePeerBands: degenerate };
    check('band difference / asymptotic se (max; Monte Carlo noise expected ~0.1–0.5)', f.maxDiffOverSe, 1);
    if (degenerate) problems.push(`${degenerate} peer bands with upper ≤ lower (all replications identical?)`);
    if (exactZeroMismatch) problems.push(`${exactZeroMismatch} entries zero by construction differ`);
    return { fields: f, text: `|Δband|/se max ${f.maxDiffOverSe.toFixed(2)}, median ${f.medianDiffOverSe.toFixed(2)}; width ratio ${f.medianWidthRatio.toFixed(3)}`, problems };
  }
  if (c === 'sar-boston' || c === 'sem-boston') {
    const f = {
      spatialAbs: Math.abs(mine.spatial - theirs.spatial), logLikAbs: Math.abs(mine.logLik - theirs.logLik),
      coefRel: normRel(mine.coef, theirs.coef), seRel: maxRel(mine.se, theirs.se),
      spatialSeRel: Math.abs(mine.spatialSe - theirs.spatialSe) / Math.abs(theirs.spatialSe),
      sigma2Rel: Math.abs(mine.sigma2 - theirs.sigma2) / theirs.sigma2,
      ardiffSpatial: mine.spatial, peerSpatial: theirs.spatial, ardiffLogLik: mine.logLik, peerLogLik: theirs.logLik,
    };
    const sym = c === 'sar-boston' ? 'ρ' : 'λ';
    check(`|Δ${sym}|`, f.spatialAbs, 1e-6);
    check('|ΔlogLik|', f.logLikAbs, 1e-6);
    check('β (normwise rel)', f.coefRel, 1e-6);
    check('σ² (rel)', f.sigma2Rel, 1e-6);
    check('se(β) (max rel)', f.seRel, 1e-4);
    check(`se(${sym}) (rel)`, f.spatialSeRel, 1e-4);
    return { fields: f, text: `|Δ${sym}| ${e(f.spatialAbs)}, |ΔlogLik| ${e(f.logLikAbs)}, β ${e(f.coefRel)}, se ${e(f.seRel)}`, problems };
  }
  if (c === 'lasso-path') {
    const l = task.lasso;
    const lamOk = theirs.lambda.length === l.lambda.length && maxRel(theirs.lambda, l.lambda) < 1e-12;
    if (!lamOk) problems.push(`glmnet solved on ${theirs.lambda.length} λ values (not the ${l.lambda.length} given, or different values)`);
    // Objective at each λ against glmnet's near-exact (thresh 1e-16) solutions: ardiff worse / glmnet worse.
    // Also against glmnet's default (thresh 1e-7) solutions: where their objective exceeds ardiff's.
    const tight = theirs.tight;
    let worse = 0, better = 0, defaultWorse = 0, defaultExcess = 0;
    const TOLREL = 1e-10;
    const m = Math.min(mine.lambda.length, tight.lambda.length, theirs.lambda.length);
    for (let k = 0; k < m; k++) {
      const a = lassoObjective(l, mine.intercept[k], mine.coef[k], mine.lambda[k]);
      const p = lassoObjective(l, tight.intercept[k], tight.coef[k], mine.lambda[k]);
      const q = lassoObjective(l, theirs.intercept[k], theirs.coef[k], mine.lambda[k]);
      if (a > p * (1 + TOLREL)) worse++;
      if (p > a * (1 + TOLREL)) better++;
      if (q > a * (1 + TOLREL)) defaultWorse++;
      defaultExcess = Math.max(defaultExcess, (q - a) / a);
    }
    const f = {
      objectiveGlmnetDefaultWorse: defaultWorse, objectiveGlmnetDefaultMaxRelExcess: defaultExcess,
      glmnetPasses: theirs.npasses, glmnetPassesTight: tight.npasses,
      coefAbsVsGlmnet: maxAbs(mine.coef, theirs.coef), coefAbsVsGlmnetTight: maxAbs(mine.coef.slice(0, m), tight.coef.slice(0, m)),
      interceptAbsVsGlmnetTight: maxAbs(mine.intercept.slice(0, m), tight.intercept.slice(0, m)),
      objectiveWorse: worse, objectiveGlmnetTightWorse: better, peerMsTight: theirs.msTight, ardiffMaxKkt: Math.max(...mine.kkt),
    };
    if (worse) problems.push(`ardiff's objective above glmnet(thresh = 1e-16)'s by more than ${TOLREL} relative at ${worse} of ${m} λ`);
    check('|Δcoef| vs glmnet thresh 1e-16 (max abs)', f.coefAbsVsGlmnetTight, 1e-6);
    return {
      fields: f,
      text: `|Δb| vs glmnet ${e(f.coefAbsVsGlmnet)} (thresh 1e-16: ${e(f.coefAbsVsGlmnetTight)}); objective: ardiff worse ${worse} / glmnet 1e-16 worse ${better} / glmnet 1e-7 worse ${defaultWorse} of ${m} (max rel ${e(defaultExcess)})`,
      problems,
    };
  }
  if (c === 'lasso-default-path') {
    const sameLen = mine.lambda.length === theirs.lambda.length;
    const m = Math.min(mine.lambda.length, theirs.lambda.length);
    const f = {
      ardiffLambdas: mine.lambda.length, peerLambdas: theirs.lambda.length,
      lambdaRel: maxRel(mine.lambda.slice(0, m), theirs.lambda.slice(0, m)),
      coefAbs: maxAbs(mine.coef.slice(0, m), theirs.coef.slice(0, m)),
      devRatioAbs: maxAbs(mine.devRatio.slice(0, m), theirs.devRatio.slice(0, m)),
    };
    if (!sameLen) problems.push(`path length ${mine.lambda.length} vs glmnet's ${theirs.lambda.length}`);
    check('λ (max rel)', f.lambdaRel, 1e-10);
    check('coef (max abs; same algorithm and thresh)', f.coefAbs, 1e-8);
    return { fields: f, text: `${f.ardiffLambdas} / ${f.peerLambdas} λ, λ ${e(f.lambdaRel)}, |Δb| ${e(f.coefAbs)}, dev.ratio ${e(f.devRatioAbs)}`, problems };
  }
  throw new Error(`no comparison for case ${c}`);
}
