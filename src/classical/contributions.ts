/**
 * Forecast contributions: every point forecast of a linear model split into additive parts, one
 * per deterministic regressor and one per observed lag, that sum to the forecast (to rounding).
 *
 * The h-step point forecast of each linear model here is an affine function of the data,
 * ŷ_{n+h} = a_h + Σ_j w_{h,j} y_{n+1−j}, so it splits exactly into a deterministic part per
 * regressor and a part w_{h,j}·y_{n+1−j} per observation (Lütkepohl 2005 §2.2.2: the h-step
 * predictor of a VAR(p) is the first block row of the companion power 𝐀^h; Box–Jenkins §5.1 for
 * the univariate case):
 *
 * - AR(p) ({@link FittedAR}, methods ols, yule-walker, burg): the recursion
 *   ŷ_{n+h} = c + Σ_i φ_i ŷ_{n+h−i} unrolled onto the last p observations. Method 'mle' is an
 *   ARIMA(p,0,0) and goes through the ARIMA route below (same numbers for a complete series).
 * - VAR(p) ({@link FittedVAR}) and sparse VAR ({@link FittedLassoVAR}): the matrix recursion
 *   C_{h,l} = Σ_{i<h} A_i C_{h−i,l} + A_{l+h−1}, so the part of variable j at lag l in the forecast
 *   of variable i is C_{h,l}[i][j]·y_{j,n+1−l}; deterministic terms (const, trend) accumulate the
 *   same way. Sparse VARs are on the scale of the fitted (transformed) series.
 * - ARIMA/SARIMA(X) ({@link FittedARIMA}): regression with ARIMA errors, ŷ_{n+h} = x_{n+h}'β + û_{n+h}
 *   with û the Kalman predictor of u_t = y_t − x_t'β. Without MA terms the predictor is the
 *   recursion of the expanded AR polynomial φ(L)Φ(L^s)(1−L)^d(1−L^s)^D on the last
 *   p + Ps + d + Ds observations (when those are observed); otherwise every past observation has a
 *   weight, computed by linearity (the Kalman predictor with β fixed applied to unit vectors), the
 *   last K (default 24) are reported one by one and the older ones together as a remainder part.
 *
 * Two forms (univariate models; option `form`):
 * - 'level' (default): lag parts are w_{h,j}·y_{n+1−j} on the observations as they are, and each
 *   deterministic regressor gets what is left of it, β_k (x_{k,n+h} − Σ_j w_{h,j} x_{k,n+1−j})
 *   (AR: the intercept accumulated, c·Σ_{i<h} ψ_i; a drift δ: δ (n + h − Σ_j w_{h,j} (n + 1 − j))).
 * - 'deviation': lag parts are w_{h,j}·(y_{n+1−j} − x_{n+1−j}'β) on deviations from the regression
 *   (AR: from the process mean μ), and each regressor contributes its own forecast β_k x_{k,n+h}
 *   (AR: const = μ). For an AR(1) the part of y_n in ŷ_{n+h} is then φ^h (y_n − μ).
 *
 * Lags are named relative to t = n + 1, the first forecast period, as in the AR equation:
 * `y[t-1]` is the last observation y_n, `y[t-2]` the one before, whatever the horizon.
 *
 * @example
 * const fit = fitAR(y, { order: 2 });
 * const c = forecastContributions(fit, 8);            // parts: const, y[t-1], y[t-2]
 * c.parts.map((p) => [p.name, p.values[0]]);           // the 1-step forecast, part by part
 * const v = forecastContributions(fitVAR(data, { lags: 2 }), 4);
 * v.byVariable.realgdp;                                // const, realgdp (lags 1-2), realcons (lags 1-2), …
 */
import { ArgumentError, DataError } from '../core/errors.js';
import type { FutureRegressors } from '../core/model.js';
import { FittedAR } from './ar.js';
import { FittedARIMA, type ARIMAParams } from './arima.js';
import { FittedVAR } from './var.js';
import { FittedLassoVAR } from './lasso-var.js';
import { differencingPolynomial } from './estimators/polynomial.js';
import { checkHorizon, nameRecord } from '../core/validate.js';

/** How the parts of a univariate forecast are referenced (see the module comment). */
export type ContributionForm = 'level' | 'deviation';

/**
 * What a part is: a deterministic or exogenous `regression` term (const, drift, trend, exog names),
 * one observed `lag`, a whole `variable` (a VAR variable's lags summed), or the `remainder` of
 * the observations older than the ones listed one by one.
 */
export type ContributionKind = 'regression' | 'lag' | 'variable' | 'remainder';

/** One additive part of a forecast, per horizon 1..h. */
export interface ContributionPart {
  /** 'const', 'drift', 'trend', an exog name, 'y[t-1]', 'realgdp[t-2]', 'realgdp (lags 1-2)', 'y[t-25 and earlier]'. */
  name: string;
  kind: ContributionKind;
  /** The part of the forecast at horizons 1..h. */
  values: number[];
  /** The series the part comes from ('y' for univariate models; the VAR variable). Absent for regression parts. */
  source?: string;
  /** Lag parts: j in y[t-j], i.e. the observation y_{n+1−j}. */
  lag?: number;
  /** Lag parts: the coefficient w_{h,j} of the observation in the h-step predictor, per horizon. */
  weight?: number[];
  /**
   * Lag parts: what the weight multiplies — the observation ('level') or its deviation from the
   * regression ('deviation'); NaN for a missing observation, whose part is 0.
   */
  input?: number;
}

/** Contributions to a univariate forecast: `Σ parts[k].values[s] = total[s]` up to rounding. */
export interface ForecastContributions {
  /** Number of horizons h (every `values` array has this length). */
  horizons: number;
  form: ContributionForm;
  /** Regression parts first, then lags 1..K, then the remainder of older observations (if any). */
  parts: ContributionPart[];
  /** The model's own point forecast (`forecast(h).mean()`), horizons 1..h. */
  total: number[];
}

/**
 * Contributions to a VAR forecast, per target variable. `byLag[target]` and
 * `byVariable[target]` each sum to `total[target]` up to rounding; the part of a source variable
 * in `byVariable` is the sum of its lag parts in `byLag`.
 */
export interface VARForecastContributions {
  horizons: number;
  /** Target (= source) variables in model order. */
  variables: string[];
  /** Deterministic parts (const, trend), then one part per source variable: 'realgdp (lags 1-2)'. */
  byVariable: Record<string, ContributionPart[]>;
  /** Deterministic parts, then one part per source variable and lag: 'realgdp[t-1]', 'realgdp[t-2]', … */
  byLag: Record<string, ContributionPart[]>;
  /** The model's own point forecasts, horizons 1..h. */
  total: Record<string, number[]>;
}

/** Options of {@link forecastContributions} for univariate models. */
export interface ContributionOptions {
  /** 'level' (default) or 'deviation' (lags on deviations from the regression / mean). */
  form?: ContributionForm;
  /**
   * Observations listed one by one (lags 1..K); older ones are summed into one remainder part.
   * Default: the AR span (p; for ARIMA without MA terms p + Ps + d + Ds), else 24.
   */
  lags?: number;
  /** Future values of the exogenous regressors of an ARIMA model, by name, each of length h. */
  exog?: FutureRegressors;
}

/** Default number of observations listed one by one when every past observation has a weight. */
const DEFAULT_LAGS = 24;

/**
 * Splits the h-step point forecasts of a linear model into additive parts (see the module
 * comment for the definitions): univariate models (AR, ARIMA) give one list of parts; VAR-like
 * models (VAR, sparse VAR) give parts per target variable, by source variable and by lag.
 */
export function forecastContributions(model: FittedAR | FittedARIMA, h: number, options?: ContributionOptions): ForecastContributions;
export function forecastContributions(model: FittedVAR | FittedLassoVAR, h: number): VARForecastContributions;
export function forecastContributions(
  model: FittedAR | FittedARIMA | FittedVAR | FittedLassoVAR, h: number, options?: ContributionOptions,
): ForecastContributions | VARForecastContributions;
export function forecastContributions(
  model: FittedAR | FittedARIMA | FittedVAR | FittedLassoVAR, h: number, options: ContributionOptions = {},
): ForecastContributions | VARForecastContributions {
  checkHorizon(h);
  if (model instanceof FittedAR) return arContributions(model, h, checkOptions(options));
  if (model instanceof FittedARIMA) return arimaContributions(model, h, checkOptions(options));
  if (model instanceof FittedVAR || model instanceof FittedLassoVAR) {
    if (options && (options.form !== undefined || options.lags !== undefined || options.exog !== undefined)) {
      throw new ArgumentError('forecastContributions of a VAR takes no options (the parts are always on the observations as they are)', 'options');
    }
    return varContributions(model, h);
  }
  const kind = (model as { kind?: unknown } | null)?.kind;
  throw new ArgumentError(
    `forecastContributions needs a linear model (FittedAR, FittedARIMA, FittedVAR or FittedLassoVAR); got ${kind === undefined ? typeof model : `kind '${String(kind)}'`}`,
    'model',
  );
}

/** Σ_k parts[k].values[s] for s = 0..h−1 (to check that a breakdown adds up). */
export function sumContributions(parts: readonly ContributionPart[]): number[] {
  if (!parts.length) return [];
  const out = new Array<number>(parts[0].values.length).fill(0);
  for (const p of parts) p.values.forEach((v, s) => { out[s] += v; });
  return out;
}


interface CheckedOptions {
  form: ContributionForm;
  lags: number | undefined;
  exog: FutureRegressors | undefined;
}

function checkOptions(options: ContributionOptions | undefined): CheckedOptions {
  const o = options ?? {};
  if (typeof o !== 'object') throw new ArgumentError('options must be an object such as { form: "deviation", lags: 12 }', 'options');
  const form = o.form ?? 'level';
  if (form !== 'level' && form !== 'deviation') throw new ArgumentError(`form must be 'level' or 'deviation'; got '${String(form)}'`, 'form');
  const lags = o.lags;
  if (lags !== undefined && (typeof lags !== 'number' || !Number.isInteger(lags) || lags < 0)) {
    throw new ArgumentError(`lags must be a non-negative integer; got ${String(lags)}`, 'lags');
  }
  return { form, lags, exog: o.exog };
}

// ---------------------------------------------------------------------------------------------
// The unrolled linear predictor of a (vector) autoregression.

type Mat = readonly (readonly number[])[];

interface Unrolled {
  /** coef[s][l][i][j]: weight of y_{j, n−l} (lag l + 1) in ŷ_{i, n+s+1}. */
  coef: number[][][][];
  /** det[k][s][i]: deterministic term k accumulated through the recursion, in ŷ_{i, n+s+1}. */
  det: number[][][];
}

/**
 * Unrolls ŷ_{n+s} = d_{n+s} + Σ_{i=1}^{p} A_i ŷ_{n+s−i} (ŷ = y inside the sample) onto the last p
 * observations: C_{s,l} = Σ_{i<s} A_i C_{s−i,l} + A_{l+s−1} (the last term when l + s − 1 ≤ p),
 * D_s = d_{n+s} + Σ_{i<s} A_i D_{s−i}; `detPaths[k][s]` is term k at step s (0-based).
 */
function unroll(A: readonly Mat[], detPaths: readonly (readonly (readonly number[])[])[], h: number, K: number): Unrolled {
  const p = A.length;
  const zero = (): number[][] => Array.from({ length: K }, () => new Array<number>(K).fill(0));
  const coef: number[][][][] = [];
  for (let s = 0; s < h; s++) {
    const row: number[][][] = [];
    for (let l = 0; l < p; l++) {
      const c = zero();
      if (l + s < p) for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) c[i][j] = A[l + s][i][j];
      for (let m = 1; m <= Math.min(s, p); m++) {
        const Am = A[m - 1], prev = coef[s - m][l];
        for (let i = 0; i < K; i++) {
          for (let r = 0; r < K; r++) {
            const a = Am[i][r];
            if (a === 0) continue;
            for (let j = 0; j < K; j++) c[i][j] += a * prev[r][j];
          }
        }
      }
      row.push(c);
    }
    coef.push(row);
  }
  const det = detPaths.map((path) => {
    const out: number[][] = [];
    for (let s = 0; s < h; s++) {
      const v = path[s].slice();
      for (let m = 1; m <= Math.min(s, p); m++) {
        const Am = A[m - 1], prev = out[s - m];
        for (let i = 0; i < K; i++) for (let r = 0; r < K; r++) v[i] += Am[i][r] * prev[r];
      }
      out.push(v);
    }
    return out;
  });
  return { coef, det };
}

// ---------------------------------------------------------------------------------------------
// Univariate models.

/** A regression part from its per-horizon values. */
function regressionPart(name: string, values: ArrayLike<number>): ContributionPart {
  return { name, kind: 'regression', values: Array.from(values) };
}

/**
 * Lag parts y[t-1..t-K'] from weights `W[j][s]` (j = 0..K'−1) and the inputs they multiply
 * (`input[j]`, NaN for a missing observation, whose part is 0), plus the remainder if given.
 */
function lagParts(W: readonly (readonly number[])[], input: readonly number[], remainder: readonly number[] | null, K: number): ContributionPart[] {
  const parts: ContributionPart[] = W.map((w, j) => ({
    name: `y[t-${j + 1}]`,
    kind: 'lag',
    source: 'y',
    lag: j + 1,
    weight: w.slice(),
    input: input[j],
    values: w.map((v) => (Number.isNaN(input[j]) ? 0 : v * input[j])),
  }));
  if (remainder) parts.push({ name: `y[t-${K + 1} and earlier]`, kind: 'remainder', source: 'y', values: remainder.slice() });
  return parts;
}

/**
 * Lag parts from the full weights of a finite predictor (`W[j][s]` for j = 0..span−1): the first
 * K one by one, the rest summed into the remainder (absent when span ≤ K).
 */
function finiteLagParts(W: readonly (readonly number[])[], input: readonly number[], K: number, h: number): ContributionPart[] {
  const shown = Math.min(K, W.length);
  let remainder: number[] | null = null;
  if (W.length > K) {
    remainder = new Array<number>(h).fill(0);
    for (let j = K; j < W.length; j++) {
      if (Number.isNaN(input[j])) continue;
      for (let s = 0; s < h; s++) remainder[s] += W[j][s] * input[j];
    }
  }
  return lagParts(W.slice(0, shown), input.slice(0, shown), remainder, K);
}

/** AR(p): the unrolled recursion (ols, yule-walker, burg); method 'mle' through its ARIMA(p,0,0). */
function arContributions(model: FittedAR, h: number, o: CheckedOptions): ForecastContributions {
  const total = Array.from(model.forecast(h, { exog: o.exog }).mean());
  if (model.method === 'mle') {
    const json = model.toJSON().arima;
    if (!json) throw new DataError('this AR model (method mle) has no ARIMA fit to decompose', 'model');
    const out = arimaContributions(FittedARIMA.fromJSON(json), h, o);
    return { ...out, total };
  }
  const p = model.order, n = model.y.length;
  const K = Math.min(o.lags ?? p, n);
  const hasConst = model.trend === 'c';
  const level = o.form === 'level';
  if (!level && hasConst && !Number.isFinite(model.mean)) {
    throw new ArgumentError(`form 'deviation' needs a finite process mean; this AR has Σφ = 1 (a unit root), so use form 'level'`, 'form');
  }
  const detPaths = level && hasConst ? [Array.from({ length: h }, () => [model.intercept])] : [];
  const { coef, det } = unroll(model.ar.map((a) => [[a]]), detPaths, h, 1);
  const parts: ContributionPart[] = [];
  if (hasConst) parts.push(regressionPart('const', level ? det[0].map((v) => v[0]) : new Array<number>(h).fill(model.mean)));
  const W = Array.from({ length: p }, (_, j) => coef.map((row) => row[j][0][0]));
  const mu = level ? 0 : model.mean;
  const input = Array.from({ length: p }, (_, j) => model.y[n - 1 - j] - mu);
  parts.push(...finiteLagParts(W, input, K, h));
  return { horizons: h, form: o.form, parts, total };
}

/** The expanded AR polynomial φ(L)Φ(L^s)(1−L)^d(1−L^s)^D = 1 − Σ a_k L^k of an ARIMA, as a_1.. */
function integratedAR(model: FittedARIMA): number[] {
  const { phi } = model.polynomials();
  const [, d] = model.order;
  const [, D, , s] = model.seasonalOrder;
  const delta = differencingPolynomial(d, D, s || 1);
  const a = [1, ...phi.map((v) => -v)], b = [1, ...delta.map((v) => -v)];
  const prod = new Array<number>(a.length + b.length - 1).fill(0);
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) prod[i + j] += a[i] * b[j];
  return prod.slice(1).map((v) => -v);
}

/**
 * The ARIMA part of the forecast as a linear map of the series: the Kalman predictor of the
 * model with its regression removed (β fixed, so the map is linear), applied to `v`; positions
 * missing in y stay missing, so every call runs the filter through the same gains.
 */
function arimaPredictor(model: FittedARIMA, h: number): (v: ArrayLike<number>) => number[] {
  const json = model.toJSON();
  const params: ARIMAParams = { ...json.params, trend: 'n', exogNames: [], beta: [] };
  const y = model.y;
  return (v) => {
    const data = Array.from(v, (x, t) => (Number.isNaN(y[t]) ? null : x));
    return Array.from(FittedARIMA.fromJSON({ kind: 'arima', params, y: data, exog: {}, fit: json.fit }).forecast(h).mean());
  };
}

/** Regression with ARIMA errors: x'β per regressor plus the ARIMA predictor's observation weights. */
function arimaContributions(model: FittedARIMA, h: number, o: CheckedOptions): ForecastContributions {
  // The model's own forecast first: it also validates the future regressors.
  const total = Array.from(model.forecast(h, { exog: o.exog }).mean());
  const params = model.arimaParams;
  const y = model.y, n = y.length;
  const json = model.toJSON();
  const names: string[] = [], past: Float64Array[] = [], future: Float64Array[] = [];
  if (params.trend === 'c' || params.trend === 'ct') {
    names.push('const');
    past.push(new Float64Array(n).fill(1));
    future.push(new Float64Array(h).fill(1));
  }
  if (params.trend === 't' || params.trend === 'ct') {
    names.push('drift');
    past.push(Float64Array.from({ length: n }, (_, t) => t + 1));
    future.push(Float64Array.from({ length: h }, (_, s) => n + s + 1));
  }
  for (const name of params.exogNames) {
    names.push(name);
    past.push(Float64Array.from(json.exog[name]));
    const x = o.exog?.[name];
    if (!x) throw new ArgumentError(`exog is missing regressor '${name}'; give ${h} future values for it`, 'exog');
    future.push(Float64Array.from(x));
  }
  const beta = params.beta;
  const level = o.form === 'level';
  // What the observation weights multiply: y itself, or u = y − Xβ.
  const input = level ? Float64Array.from(y) : y.map((v, t) => v - past.reduce((acc, x, k) => acc + beta[k] * x[t], 0));
  const a = integratedAR(model);
  const span = a.length;
  const pureAR = params.ma.length === 0 && params.seasonalMa.length === 0;
  let finite = pureAR && n >= span;
  for (let t = n - span; finite && t < n; t++) if (Number.isNaN(y[t])) finite = false;
  const K = Math.min(o.lags ?? (finite ? span : DEFAULT_LAGS), n);
  const recent = (v: ArrayLike<number>, count: number) => Array.from({ length: count }, (_, j) => v[n - 1 - j]);

  let lags: ContributionPart[];
  let applyToRegressor: (x: Float64Array) => number[];
  if (finite) {
    // Without MA terms the predictor is the recursion of the expanded AR polynomial on u.
    const { coef } = unroll(a.map((v) => [[v]]), [], h, 1);
    const W = Array.from({ length: span }, (_, j) => coef.map((row) => row[j][0][0]));
    lags = finiteLagParts(W, recent(input, span), K, h);
    applyToRegressor = (x) => Array.from({ length: h }, (_, s) => W.reduce((acc, w, j) => acc + w[s] * x[n - 1 - j], 0));
  } else {
    const L = arimaPredictor(model, h);
    const W: number[][] = [];
    for (let j = 0; j < K; j++) {
      const e = new Float64Array(n);
      e[n - 1 - j] = 1;
      W.push(L(e));
    }
    let remainder: number[] | null = null;
    if (n > K) {
      const older = input.map((v, t) => (t < n - K ? v : 0));
      remainder = L(older);
    }
    lags = lagParts(W, recent(input, K), remainder, K);
    applyToRegressor = (x) => L(x);
  }
  const parts: ContributionPart[] = names.map((name, k) => {
    const fut = future[k];
    if (!level) return regressionPart(name, Array.from(fut, (x) => beta[k] * x));
    const filtered = applyToRegressor(past[k]);
    return regressionPart(name, Array.from({ length: h }, (_, s) => beta[k] * (fut[s] - filtered[s])));
  });
  parts.push(...lags);
  return { horizons: h, form: o.form, parts, total };
}

// ---------------------------------------------------------------------------------------------
// VAR-like models.

function varContributions(model: FittedVAR | FittedLassoVAR, h: number): VARForecastContributions {
  let names: string[], A: number[][][], recentRows: number[][], total: Record<string, number[]>;
  const detNames: string[] = [], detPaths: number[][][] = [];
  if (model instanceof FittedVAR) {
    names = model.names.slice();
    A = model.coefs;
    const data = model.data, n = model.nTotal;
    recentRows = Array.from({ length: model.lags }, (_, l) => data.map((c) => c[n - 1 - l]));
    if (model.trend !== 'n') {
      detNames.push('const');
      detPaths.push(Array.from({ length: h }, () => model.params[0].slice()));
    }
    if (model.trend === 'ct') {
      detNames.push('trend');
      // statsmodels' trend regressor is t + 1 for the 0-based row t; forecast step s is row n + s.
      detPaths.push(Array.from({ length: h }, (_, s) => model.params[1].map((d) => d * (n + s + 1))));
    }
    const mean = model.forecast(h).mean();
    total = Object.fromEntries(names.map((v, i) => [v, mean.map((row) => row[i])]));
  } else {
    names = model.names.slice();
    A = model.coefMatrices();
    const last = model.lastObservations, p = model.lags;
    recentRows = Array.from({ length: p }, (_, l) => last[last.length - 1 - l].slice());
    detNames.push('const');
    const nu = model.intercepts;
    detPaths.push(Array.from({ length: h }, () => nu.slice()));
    const mean = model.forecast(h).mean();
    total = Object.fromEntries(names.map((v, i) => [v, mean.map((row) => row[i])]));
  }
  const K = names.length, p = A.length;
  const { coef, det } = unroll(A, detPaths, h, K);
  const byLag = nameRecord<ContributionPart[]>();
  const byVariable = nameRecord<ContributionPart[]>();
  const lagLabel = p === 1 ? 'lag 1' : `lags 1-${p}`;
  names.forEach((target, i) => {
    const detParts = detNames.map((name, k) => regressionPart(name, det[k].map((v) => v[i])));
    const lagList: ContributionPart[] = [...detParts];
    const varList: ContributionPart[] = detParts.map((part) => ({ ...part, values: part.values.slice() }));
    names.forEach((source, j) => {
      const sum = new Array<number>(h).fill(0);
      for (let l = 0; l < p; l++) {
        const weight = coef.map((row) => row[l][i][j]);
        const x = recentRows[l][j];
        const values = weight.map((w) => w * x);
        values.forEach((v, s) => { sum[s] += v; });
        lagList.push({ name: `${source}[t-${l + 1}]`, kind: 'lag', source, lag: l + 1, weight, input: x, values });
      }
      if (p > 0) varList.push({ name: `${source} (${lagLabel})`, kind: 'variable', source, values: sum });
    });
    byLag[target] = lagList;
    byVariable[target] = varList;
  });
  return { horizons: h, variables: names, byVariable, byLag, total };
}
