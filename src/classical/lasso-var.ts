/**
 * Sparse high-dimensional vector autoregression by equation-wise penalised least squares.
 *
 * Each equation i of a VAR(p) in k variables, y_{i,t} = b0 + Σ_l Σ_j A_l[i, j] y_{j,t−l} + e,
 * is a separate regression of y_i on the kp lagged values, fitted by the path solvers of
 * estimators/lasso.ts:
 *
 * - LASSO on glmnet's scale (Tibshirani 1996; Friedman, Hastie & Tibshirani 2010, J. Stat. Softw.
 *   33(1)): minimise (1/2n)·RSS + λ·Σ_j w_j |b_j| with the intercept unpenalised, solved exactly
 *   along glmnet's λ path ({@link lassoPath});
 * - group LASSO (Yuan & Lin 2006) with one group per variable's p lags in each equation
 *   (Nicholson, Matteson & Bien 2017, "VARX-L", Int. J. Forecasting 33): minimise
 *   (1/2n)·RSS + λ·Σ_g √|g|·‖b_g‖₂ by FISTA ({@link groupLassoPath}).
 *
 * λ is one number for all equations, one per equation, or chosen per equation by BIC
 * (n·log(RSS/n) + log(n)·df, df = number of nonzero lag coefficients; Zou, Hastie & Tibshirani
 * 2007) or by rolling-origin cross-validation of one-step forecasts (deterministic, no random
 * folds). The recovered Granger graph has an edge j → i (j ≠ i) when any lag of variable j has a
 * nonzero coefficient in equation i. Forecasts are the plug-in recursion of the fitted VAR.
 * This file holds the VAR design (transforms and lags), the selection of λ and the fitted model.
 *
 * @example
 * const fit = fitLassoVAR({ gdp, cons, inv }, { lags: 4, select: 'bic' });
 * fit.granger(); fit.forecast(8).mean.gdp; console.log(fit.summary());
 */
import { ArgumentError, DataError } from '../core/errors.js';
import type { Matrix } from '../core/linalg.js';
import { fmt, table, keyValueBlock, rule } from '../core/format.js';
import { GaussianMultiForecast } from '../core/multi-forecast.js';
import type { MultiForecaster, MultiForecastOptions, MultiSampleOptions, MultiSeriesData } from '../core/model.js';
import { z, type MultiSeriesModelEntry } from '../core/model-entry.js';
import { checkHorizon, checkPaths, checkRng, nameRecord, checkModelJSON, MODEL_JSON_VERSION } from '../core/validate.js';
import { matmul, transpose } from '../core/linalg.js';
import { varMARepresentation } from './var-irf.js';
import { lassoPath, groupLassoPath, type PathOptions, type PenalizedPath } from './estimators/lasso.js';

// The path solvers were defined here before they got a file of their own; these re-exports keep
// imports from './lasso-var.js' (bench/multi.js among them) working.
export {
  glmnetLambdaSequence, lassoPath, glmnetPath, groupLassoPath,
  type PathOptions, type LassoPathOptions, type GroupLassoPathOptions, type PenalizedPath, type GroupPenalizedPath,
  type GlmnetOptions, type GlmnetPathResult,
} from './estimators/lasso.js';

export type LassoPenalty = 'lasso' | 'group';
export type LassoSelect = 'bic' | 'cv';
/**
 * Per-variable transform applied before the VAR design: `log`, `diff` (x_t − x_{t−1}),
 * `dlog` (log x_t − log x_{t−1}) or `dlog100` (100·(log x_t − log x_{t−1}), growth in per cent).
 */
export type VarTransform = 'none' | 'log' | 'diff' | 'dlog' | 'dlog100';

const PENALTIES: readonly LassoPenalty[] = ['lasso', 'group'];
const SELECTS: readonly LassoSelect[] = ['bic', 'cv'];
const TRANSFORMS: readonly VarTransform[] = ['none', 'log', 'diff', 'dlog', 'dlog100'];

/** Data for {@link fitLassoVAR}: named columns (key order = variable order) or rows with `names`. */
export type LassoVARData = Readonly<Record<string, ArrayLike<number>>> | readonly (readonly number[])[];

export interface LassoVAROptions {
  /** VAR order p (number of lags), an integer ≥ 1. */
  lags: number;
  /** Fixed penalty: one λ ≥ 0 for all equations, or one per equation (keyed by variable). */
  lambda?: number | Readonly<Record<string, number>>;
  /** Choose λ per equation along the path: 'bic' (default when `lambda` is absent) or 'cv'. */
  select?: LassoSelect;
  /** 'lasso' (default) or 'group' (one group per variable's lags in each equation). */
  penalty?: LassoPenalty;
  /** Transform of every variable, or per variable; default 'none'. */
  transform?: VarTransform | Readonly<Record<string, VarTransform>>;
  /** Variable names when `data` is given as rows. Default y1, y2, … */
  names?: readonly string[];
  /** Number of λ values on the selection path. Default 100 (glmnet). */
  nlambda?: number;
  /** Smallest λ on the selection path as a fraction of λ_max. Default glmnet's rule. */
  lambdaMinRatio?: number;
  /** Number of rolling-origin folds for `select: 'cv'`. Default 5. */
  folds?: number;
}

// ---------------------------------------------------------------------------------------------
// The VAR design.

/** The lagged design of a VAR(p): response rows t = p+1..T and regressors [y_{t−1}', …, y_{t−p}']. */
export interface VarDesign {
  variables: string[];
  /** Coefficient names of every equation, statsmodels style: const, L1.v1, …, L1.vk, L2.v1, … */
  names: string[];
  /** The (transformed) series, T × k rows. */
  series: number[][];
  /** Regressor rows (lag-major: all variables at lag 1, then lag 2, …), without the intercept. */
  x: Matrix;
  /** Response rows, one column per equation. */
  y: Matrix;
}

function transformOf(spec: LassoVAROptions['transform'], name: string): VarTransform {
  const t = spec === undefined ? 'none' : typeof spec === 'string' ? spec : spec[name] ?? 'none';
  if (!TRANSFORMS.includes(t)) throw new ArgumentError(`transform of '${name}' must be one of ${TRANSFORMS.join(', ')}; got '${t as string}'`, 'transform');
  return t;
}

/**
 * Builds the VAR(p) design from named columns: checks lengths and missing values, applies the
 * transforms (differencing transforms drop the first observation of every variable so that all
 * stay aligned), and stacks the lags.
 */
export function varDesign(data: LassoVARData, lags: number, transform?: LassoVAROptions['transform'], names?: readonly string[]): VarDesign {
  if (!Number.isInteger(lags) || lags < 1) throw new ArgumentError(`lags must be an integer ≥ 1; got ${lags}`, 'lags');
  let variables: string[];
  let cols: ArrayLike<number>[];
  if (Array.isArray(data)) {
    const rows = data as readonly (readonly number[])[];
    const k = rows.length ? rows[0].length : 0;
    variables = names ? names.slice() : Array.from({ length: k }, (_, j) => `y${j + 1}`);
    if (variables.length !== k) throw new ArgumentError(`names has ${variables.length} entries for ${k} columns`, 'names');
    rows.forEach((r, i) => {
      if (r.length !== k) throw new DataError(`row ${i + 1} of data has ${r.length} values; expected ${k}`, 'data');
    });
    cols = variables.map((_, j) => rows.map((r) => r[j]));
  } else {
    const rec = data as Readonly<Record<string, ArrayLike<number>>>;
    variables = Object.keys(rec);
    cols = variables.map((v) => rec[v]);
  }
  const k = variables.length;
  if (k === 0) throw new DataError('data has no variables; give at least one named column', 'data');
  if (new Set(variables).size !== k) throw new ArgumentError(`variable names must be distinct; got ${variables.join(', ')}`, 'names');
  if (typeof transform === 'object') {
    for (const key of Object.keys(transform)) {
      if (!variables.includes(key)) throw new ArgumentError(`transform names '${key}', which is not a variable (${variables.join(', ')})`, 'transform');
    }
  }
  const T0 = cols[0].length;
  cols.forEach((c, j) => {
    if (c.length !== T0) throw new DataError(`variable '${variables[j]}' has ${c.length} values but '${variables[0]}' has ${T0}; give columns of equal length`, 'data');
    for (let t = 0; t < T0; t++) {
      if (!Number.isFinite(c[t])) {
        throw new DataError(`variable '${variables[j]}' has a missing or non-finite value at row ${t + 1}; a VAR needs complete data, so drop or fill the gap first`, 'data');
      }
    }
  });
  const kinds = variables.map((v) => transformOf(transform, v));
  const differenced = kinds.some((t) => t === 'diff' || t === 'dlog' || t === 'dlog100');
  const series: number[][] = [];
  const tcols = cols.map((c, j) => {
    const kind = kinds[j];
    if (kind === 'log' || kind === 'dlog' || kind === 'dlog100') {
      for (let t = 0; t < T0; t++) {
        if (!(c[t] > 0)) {
          throw new DataError(`transform ${kind} of '${variables[j]}' needs positive values; row ${t + 1} is ${c[t]}. Use 'diff' or 'none' for this variable`, 'transform');
        }
      }
    }
    const out: number[] = [];
    for (let t = differenced ? 1 : 0; t < T0; t++) {
      switch (kind) {
        case 'none': out.push(c[t]); break;
        case 'log': out.push(Math.log(c[t])); break;
        case 'diff': out.push(c[t] - c[t - 1]); break;
        case 'dlog': out.push(Math.log(c[t]) - Math.log(c[t - 1])); break;
        case 'dlog100': out.push(100 * (Math.log(c[t]) - Math.log(c[t - 1]))); break;
      }
    }
    return out;
  });
  const T = tcols[0].length;
  tcols.forEach((c, j) => {
    if (c.every((v) => v === c[0])) {
      throw new DataError(`variable '${variables[j]}' is constant${kinds[j] === 'none' ? '' : ` after the ${kinds[j]} transform`}; a constant series has no dynamics to model, so drop it`, 'data');
    }
  });
  for (let t = 0; t < T; t++) series.push(tcols.map((c) => c[t]));
  if (T - lags < 2) {
    throw new DataError(
      `a VAR(${lags}) needs at least ${lags + 2} rows after transforms (lags + 2); got ${T}${differenced ? ` (${T0} before differencing)` : ''}. Give more data or fewer lags`,
      'data',
    );
  }
  const x: Matrix = [], y: Matrix = [];
  for (let t = lags; t < T; t++) {
    const row: number[] = [];
    for (let l = 1; l <= lags; l++) for (let j = 0; j < k; j++) row.push(series[t - l][j]);
    x.push(row);
    y.push(series[t].slice());
  }
  const coefNames = ['const'];
  for (let l = 1; l <= lags; l++) for (const v of variables) coefNames.push(`L${l}.${v}`);
  return { variables, names: coefNames, series, x, y };
}

// ---------------------------------------------------------------------------------------------
// Fitting.

/** How λ was set: given ('fixed') or chosen per equation. */
export type LassoSelection = 'fixed' | LassoSelect;

/** The criterion along the selection path of one equation (BIC or mean squared CV error). */
export interface SelectionTrace {
  lambda: number[];
  criterion: number[];
  df: number[];
  /** Index of the chosen λ. */
  chosen: number;
}

/** A Granger-causal edge recovered from the sparsity pattern: a lag of `causing` enters `caused`. */
export interface LassoGrangerEdge {
  caused: string;
  causing: string;
}

/** Plain JSON for the CLI. */
export interface LassoVARReport {
  kind: LassoVARKind;
  penalty: LassoPenalty;
  lags: number;
  nobs: number;
  variables: string[];
  selection: LassoSelection;
  params: Record<string, { names: string[]; values: number[]; stdErrors: null }>;
  lambda: number | Record<string, number>;
  granger: LassoGrangerEdge[];
}

/** `kind` of a fitted sparse VAR: its registry name. */
export type LassoVARKind = 'lasso-var' | 'group-lasso-var';

/** What `toJSON` stores: enough to forecast and sample again. */
export interface LassoVARJSON {
  kind: LassoVARKind;
  /** Format version: 1 (files written before the field existed have none and read as 1). */
  version?: number;
  penalty: LassoPenalty;
  lags: number;
  nobs: number;
  /** The variables (column names). */
  names: string[];
  /** Coefficient names of each equation: const, L1.v1, …, Lp.vk. */
  paramNames: string[];
  selection: LassoSelection;
  lambda: Record<string, number>;
  lambdaMax: Record<string, number>;
  /** Coefficients per equation in the order of `paramNames` (const first), zeros included. */
  params: Record<string, number[]>;
  /** Residual sum of squares per equation. */
  rss: Record<string, number>;
  /** Residual covariance Û'Û/n of the equations (the shocks of forecasts and sample paths). */
  sigmaU: number[][];
  /** The last `lags` rows of the (transformed) series, oldest first. */
  lastObservations: number[][];
  /** The single λ given for all equations, if one was. */
  commonLambda?: number;
  /** The transform the fit applied to the data. */
  transform?: LassoVAROptions['transform'];
}

/**
 * Fits a sparse VAR(p) equation by equation with a LASSO (default) or group-LASSO penalty.
 * `lambda` fixes the penalty (one for all equations, or per equation); otherwise `select`
 * ('bic', the default, or 'cv') chooses it per equation along glmnet's λ path. References in the
 * module comment.
 */
export function fitLassoVAR(data: LassoVARData, options: LassoVAROptions): FittedLassoVAR {
  if (options === null || typeof options !== 'object') throw new ArgumentError('fitLassoVAR needs options with at least { lags }', 'options');
  const penalty = options.penalty ?? 'lasso';
  if (!PENALTIES.includes(penalty)) throw new ArgumentError(`penalty must be one of ${PENALTIES.join(', ')}; got '${penalty as string}'`, 'penalty');
  if (options.select !== undefined && !SELECTS.includes(options.select)) {
    throw new ArgumentError(`select must be one of ${SELECTS.join(', ')}; got '${options.select as string}'`, 'select');
  }
  if (options.select !== undefined && options.lambda !== undefined) {
    throw new ArgumentError('give either lambda (a fixed penalty) or select (choose lambda per equation), not both', 'select');
  }
  const folds = options.folds ?? 5;
  if (!Number.isInteger(folds) || folds < 2) throw new ArgumentError(`folds must be an integer ≥ 2; got ${folds}`, 'folds');
  const design = varDesign(data, options.lags, options.transform, options.names);
  const { variables, x, y } = design;
  const k = variables.length, n = x.length;
  const fixed = options.lambda !== undefined;
  let lambdaFor: (eq: string) => number = () => NaN;
  if (fixed) {
    const spec = options.lambda as number | Readonly<Record<string, number>>;
    const check = (v: unknown, where: string): number => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new ArgumentError(`lambda must be a finite number ≥ 0${where}; got ${String(v)}`, 'lambda');
      }
      return v;
    };
    if (typeof spec === 'number') {
      const l = check(spec, '');
      lambdaFor = () => l;
    } else if (spec !== null && typeof spec === 'object') {
      for (const key of Object.keys(spec)) {
        if (!variables.includes(key)) throw new ArgumentError(`lambda names '${key}', which is not an equation (${variables.join(', ')})`, 'lambda');
      }
      for (const v of variables) {
        if (!(v in spec)) throw new ArgumentError(`lambda gives no value for equation '${v}'; give one per equation or a single number`, 'lambda');
        check(spec[v], ` (equation '${v}')`);
      }
      lambdaFor = (eq) => spec[eq];
    } else {
      throw new ArgumentError(`lambda must be a number or an object with one number per equation; got ${String(spec)}`, 'lambda');
    }
  }
  const selection: LassoSelection = fixed ? 'fixed' : options.select ?? 'bic';
  if (selection === 'cv' && n < 2 * folds + 2) {
    throw new DataError(`cross-validation with ${folds} folds needs at least ${2 * folds + 2} rows in the VAR design; got ${n}. Use fewer folds, select: 'bic' or more data`, 'data');
  }
  const groups = Array.from({ length: k }, (_, j) => Array.from({ length: options.lags }, (_, l) => l * k + j));
  const path = (yy: ArrayLike<number>, xx: Matrix, o: PathOptions): PenalizedPath =>
    penalty === 'group' ? groupLassoPath(xx, yy, { ...o, groups }) : lassoPath(xx, yy, o);
  const pathOpts: PathOptions = { nlambda: options.nlambda, lambdaMinRatio: options.lambdaMinRatio };

  const params = nameRecord<number[]>();
  const lambda = nameRecord<number>();
  const lambdaMax = nameRecord<number>();
  const rss = nameRecord<number>();
  const traces = nameRecord<SelectionTrace>();
  variables.forEach((eq, i) => {
    const yi = y.map((r) => r[i]);
    let res: PenalizedPath;
    let m: number;
    if (fixed) {
      res = path(yi, x, { lambda: [lambdaFor(eq)] });
      m = 0;
    } else {
      res = path(yi, x, pathOpts);
      const crit = selection === 'bic'
        ? res.rss.map((s, q) => n * Math.log(s / n) + Math.log(n) * res.df[q])
        : cvErrors(x, yi, res.lambda, folds, path);
      m = 0;
      for (let q = 1; q < crit.length; q++) if (crit[q] < crit[m]) m = q;
      traces[eq] = { lambda: res.lambda, criterion: crit, df: res.df, chosen: m };
    }
    params[eq] = [res.intercept[m], ...res.coef[m]];
    lambda[eq] = res.lambda[m];
    lambdaMax[eq] = res.lambdaMax;
    rss[eq] = res.rss[m];
  });
  const commonLambda = fixed && typeof options.lambda === 'number' ? options.lambda : undefined;
  // Residual covariance Σ_u = Û'Û/n of the penalised equations: the shocks of the predictive.
  const resid = y.map((row, t) => variables.map((eq, i) => {
    const b = params[eq];
    let f = b[0];
    for (let j = 1; j < b.length; j++) f += b[j] * x[t][j - 1];
    return row[i] - f;
  }));
  const sigmaU = variables.map((_, i) => variables.map((_, j) => resid.reduce((acc, r) => acc + r[i] * r[j], 0) / n));
  return new FittedLassoVAR({
    penalty, lags: options.lags, nobs: n, names: variables, paramNames: design.names, selection, lambda, lambdaMax, params, rss,
    sigmaU, lastObservations: design.series.slice(-options.lags), selectionTrace: traces, commonLambda, transform: options.transform,
  });
}

/** {@link fitLassoVAR} with `penalty: 'group'`: one group per variable's lags in each equation. */
export function fitGroupLassoVAR(data: LassoVARData, options: Omit<LassoVAROptions, 'penalty'>): FittedLassoVAR {
  return fitLassoVAR(data, { ...options, penalty: 'group' });
}

/**
 * Rolling-origin cross-validation of one-step forecasts (Tashman 2000): the last half of the rows
 * is cut into `folds` consecutive blocks; each block is predicted from the path fitted (at the
 * full-data λ values) on all rows before it. Returns the mean squared error per λ.
 */
function cvErrors(
  x: Matrix, y: readonly number[], lambdas: readonly number[], folds: number,
  path: (yy: ArrayLike<number>, xx: Matrix, o: PathOptions) => PenalizedPath,
): number[] {
  const n = x.length;
  const start = n - Math.floor(n / 2);
  const sse = new Array<number>(lambdas.length).fill(0);
  let count = 0;
  for (let f = 0; f < folds; f++) {
    const a = start + Math.floor(((n - start) * f) / folds), z = start + Math.floor(((n - start) * (f + 1)) / folds);
    if (z <= a) continue;
    const fit = path(y.slice(0, a), x.slice(0, a), { lambda: lambdas, stopEarly: false });
    for (let t = a; t < z; t++) {
      for (let q = 0; q < lambdas.length; q++) {
        let pred = fit.intercept[q];
        const b = fit.coef[q];
        for (let j = 0; j < b.length; j++) pred += b[j] * x[t][j];
        sse[q] += (y[t] - pred) ** 2;
      }
      count++;
    }
  }
  return sse.map((s) => s / count);
}

/** What a {@link FittedLassoVAR} is made of: its JSON without the kind, and the selection traces. */
export interface FittedLassoVARInit extends Omit<LassoVARJSON, 'kind'> {
  selectionTrace?: Record<string, SelectionTrace>;
}

/**
 * A fitted sparse VAR: coefficients of every equation (zeros included), λ, the Granger graph, and
 * the multivariate forecast contract — Gaussian forecasts from the plug-in recursion with MSE
 * Σ_{j<h} Φ_j Σ_u Φ_j' (Lütkepohl §2.2.2; parameter uncertainty ignored) and sample paths with
 * shocks N(0, Σ_u), Σ_u the residual covariance of the penalised fit. All on the transformed scale.
 */
export class FittedLassoVAR implements MultiForecaster {
  readonly kind: LassoVARKind;
  readonly penalty: LassoPenalty;
  readonly lags: number;
  /** Rows of the VAR design (T − p after transforms). */
  readonly nobs: number;
  /** The variables (column names), in equation order. */
  readonly names: string[];
  /** Coefficient names of each equation: const, L1.v1, …, Lp.vk. */
  readonly paramNames: string[];
  readonly selection: LassoSelection;
  /** λ used in each equation. */
  readonly lambda: Record<string, number>;
  /** Smallest λ that zeroes every lag coefficient of each equation. */
  readonly lambdaMax: Record<string, number>;
  /** Coefficients per equation in the order of `paramNames`. */
  readonly params: Record<string, number[]>;
  readonly rss: Record<string, number>;
  /** Residual covariance Û'Û/n of the equations. */
  readonly sigmaU: number[][];
  /** The last `lags` rows of the transformed series (oldest first), the forecast origin. */
  readonly lastObservations: number[][];
  /** The criterion along the path of each equation when λ was selected. */
  readonly selectionTrace: Record<string, SelectionTrace>;
  /** The single λ given for all equations, if one was. */
  readonly commonLambda?: number;
  /** The transform the fit applied to the data ('none' when the data came transformed). */
  readonly transform: NonNullable<LassoVAROptions['transform']>;

  constructor(init: FittedLassoVARInit) {
    this.kind = init.penalty === 'group' ? 'group-lasso-var' : 'lasso-var';
    this.penalty = init.penalty;
    this.lags = init.lags;
    this.nobs = init.nobs;
    this.names = init.names;
    this.paramNames = init.paramNames;
    this.selection = init.selection;
    this.lambda = init.lambda;
    this.lambdaMax = init.lambdaMax;
    this.params = init.params;
    this.rss = init.rss;
    this.sigmaU = init.sigmaU;
    this.lastObservations = init.lastObservations;
    this.selectionTrace = init.selectionTrace ?? {};
    this.commonLambda = init.commonLambda;
    this.transform = init.transform ?? 'none';
  }

  /**
   * The fitted coefficients applied to another history of the same variables (raw data, transformed
   * as the fit was): forecasts and samples start after it; no refit.
   */
  apply(data: LassoVARData | MultiSeriesData): FittedLassoVAR {
    const d = varDesign(toLassoData(data), this.lags, this.transform);
    if (d.variables.length !== this.names.length || d.variables.some((n, j) => n !== this.names[j])) {
      throw new DataError(`apply needs the model's variables in its order (${this.names.join(', ')}); got ${d.variables.join(', ')}`, 'data');
    }
    return new FittedLassoVAR({ ...this, selectionTrace: this.selectionTrace, lastObservations: d.series.slice(-this.lags) });
  }

  /** @deprecated renamed {@link FittedLassoVAR.names} (the multivariate contract's column names); kept for one release. */
  get variables(): string[] {
    return this.names;
  }

  /** Lag matrices A_1..A_p with A_l[i][j] the coefficient of variable j at lag l in equation i. */
  coefMatrices(): number[][][] {
    const k = this.names.length;
    return Array.from({ length: this.lags }, (_, l) =>
      this.names.map((eq) => Array.from({ length: k }, (_, j) => this.params[eq][1 + l * k + j])));
  }

  /** Intercepts per equation. */
  get intercepts(): number[] {
    return this.names.map((eq) => this.params[eq][0]);
  }

  /** Number of nonzero lag coefficients per equation. */
  get nonzero(): Record<string, number> {
    const out = nameRecord<number>();
    for (const eq of this.names) out[eq] = this.params[eq].slice(1).filter((v) => v !== 0).length;
    return out;
  }

  /** Edges causing → caused (causing ≠ caused) where some lag of `causing` is nonzero in `caused`'s equation. */
  granger(): LassoGrangerEdge[] {
    const k = this.names.length;
    const edges: LassoGrangerEdge[] = [];
    this.names.forEach((caused, i) => {
      const b = this.params[caused];
      this.names.forEach((causing, j) => {
        if (i === j) return;
        for (let l = 0; l < this.lags; l++) {
          if (b[1 + l * k + j] !== 0) { edges.push({ caused, causing }); return; }
        }
      });
    });
    return edges;
  }

  /** One step of the recursion from `hist` (time-ordered rows). */
  private step(hist: readonly ArrayLike<number>[]): number[] {
    const k = this.names.length, T = hist.length;
    return this.names.map((eq) => {
      const b = this.params[eq];
      let f = b[0];
      for (let l = 1; l <= this.lags; l++) for (let j = 0; j < k; j++) f += b[1 + (l - 1) * k + j] * hist[T - l][j];
      return f;
    });
  }

  /**
   * Forecasts 1..h steps after the data: plug-in recursion means and MSE matrices
   * Σ_{j<h} Φ_j Σ_u Φ_j' with Φ the MA coefficients of the sparse VAR.
   */
  forecast(h: number, _options: MultiForecastOptions = {}): GaussianMultiForecast {
    checkHorizon(h, 'h', this.names.length * this.names.length + 8); // a k × k MSE matrix a step
    const hist: number[][] = this.lastObservations.map((r) => r.slice());
    const mean: number[][] = [];
    for (let s = 0; s < h; s++) {
      const next = this.step(hist);
      hist.push(next);
      mean.push(next);
    }
    const k = this.names.length;
    const phi = varMARepresentation(this.coefMatrices(), h - 1, k);
    const mse: number[][][] = [];
    let acc: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let s = 0; s < h; s++) {
      const term = matmul(matmul(phi[s], this.sigmaU), transpose(phi[s]));
      acc = acc.map((r, i) => r.map((v, j) => v + term[i][j]));
      mse.push(acc.map((r) => r.slice()));
    }
    return new GaussianMultiForecast(this.names, mean, mse);
  }

  /** Sample paths `[path][step][variable]`: the recursion with shocks N(0, Σ_u) from `rng`. */
  sample(h: number, options: MultiSampleOptions): Float64Array[][] {
    checkHorizon(h, 'h');
    checkRng(options?.rng);
    const k = this.names.length, rng = options.rng;
    const paths = checkPaths(options.paths ?? 1000, h * k, 'paths', h);
    const P = choleskyPSD(this.sigmaU);
    const out: Float64Array[][] = [];
    for (let r = 0; r < paths; r++) {
      const hist: ArrayLike<number>[] = this.lastObservations.map((row) => row.slice());
      const path: Float64Array[] = [];
      for (let s = 0; s < h; s++) {
        const y = Float64Array.from(this.step(hist));
        const z = Array.from({ length: k }, () => rng.normal());
        for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) y[i] += P[i][j] * z[j];
        hist.push(y);
        path.push(y);
      }
      out.push(path);
    }
    return out;
  }

  /** Plain JSON for the CLI: params per equation (no standard errors), λ and the Granger edges. */
  report(): LassoVARReport {
    const params: LassoVARReport['params'] = nameRecord();
    for (const eq of this.names) params[eq] = { names: this.paramNames.slice(), values: this.params[eq].slice(), stdErrors: null };
    return {
      kind: this.kind,
      penalty: this.penalty,
      lags: this.lags,
      nobs: this.nobs,
      variables: this.names.slice(),
      selection: this.selection,
      params,
      lambda: this.commonLambda ?? { ...this.lambda },
      granger: this.granger(),
    };
  }

  /** A plain-text summary: the setup, each equation's nonzero coefficients, the Granger graph. */
  summary(): string {
    const k = this.names.length;
    const title = this.penalty === 'group' ? 'Sparse VAR (group LASSO) Results' : 'Sparse VAR (LASSO) Results';
    const head = keyValueBlock(
      [['Model:', `VAR(${this.lags})`], ['Penalty:', this.penalty], ['Variables:', String(k)]],
      [['No. Observations:', String(this.nobs)], ['Lambda:', this.selection === 'fixed' ? 'given' : `selected by ${this.selection.toUpperCase()}`],
        ['Granger edges:', String(this.granger().length)]],
    );
    const blocks = this.names.map((eq) => {
      const b = this.params[eq];
      const rows = this.paramNames.flatMap((nm, q) => (q === 0 || b[q] !== 0 ? [[nm, fmt(b[q])]] : []));
      const nz = b.length - 1 - b.slice(1).filter((v) => v === 0).length;
      return [
        `Equation ${eq}: lambda = ${fmt(this.lambda[eq])} (lambda_max = ${fmt(this.lambdaMax[eq])}), nonzero lag coefficients ${nz} of ${b.length - 1}`,
        rule(78, '-'),
        table(['', 'coef'], rows, 16),
      ].join('\n');
    });
    const edges = this.granger();
    const graph = edges.length ? edges.map((e) => `  ${e.causing} -> ${e.caused}`).join('\n') : '  (none)';
    const center = (s: string) => ' '.repeat(Math.max(0, Math.floor((78 - s.length) / 2))) + s;
    return [
      rule(), center(title), rule(), head, rule(), blocks.join('\n' + rule() + '\n'), rule(),
      'Granger graph (causing -> caused; zero coefficients omitted above):', graph, rule(),
    ].join('\n');
  }

  /** Plain JSON; {@link FittedLassoVAR.fromJSON} restores an equal model. */
  toJSON(): LassoVARJSON {
    return {
      kind: this.kind,
      version: MODEL_JSON_VERSION,
      penalty: this.penalty,
      lags: this.lags,
      nobs: this.nobs,
      names: this.names.slice(),
      paramNames: this.paramNames.slice(),
      selection: this.selection,
      lambda: { ...this.lambda },
      lambdaMax: { ...this.lambdaMax },
      params: Object.fromEntries(this.names.map((v) => [v, this.params[v].slice()])),
      rss: { ...this.rss },
      sigmaU: this.sigmaU.map((r) => r.slice()),
      lastObservations: this.lastObservations.map((r) => r.slice()),
      ...(this.commonLambda !== undefined ? { commonLambda: this.commonLambda } : {}),
      transform: typeof this.transform === 'string' ? this.transform : { ...this.transform },
    };
  }

  /** Restores a model saved with {@link FittedLassoVAR.toJSON} (no refitting). */
  static fromJSON(json: LassoVARJSON): FittedLassoVAR {
    if (!json || (json.kind !== 'lasso-var' && json.kind !== 'group-lasso-var')) {
      throw new ArgumentError(`fromJSON: expected kind 'lasso-var' or 'group-lasso-var'; got '${String((json as { kind?: unknown })?.kind)}'`, 'json');
    }
    checkModelJSON(json, json.kind);
    const k = Array.isArray(json.names) ? json.names.length : 0;
    const q = Array.isArray(json.paramNames) ? json.paramNames.length : 0;
    const ok = k > 0 && Number.isInteger(json.lags) && json.lags >= 1 && q === 1 + json.lags * k
      && json.names.every((v) => Array.isArray(json.params?.[v]) && json.params[v].length === q)
      && Array.isArray(json.sigmaU) && json.sigmaU.length === k && json.sigmaU.every((r) => Array.isArray(r) && r.length === k)
      && Array.isArray(json.lastObservations) && json.lastObservations.length === json.lags && json.lastObservations.every((r) => Array.isArray(r) && r.length === k);
    if (!ok) throw new ArgumentError('fromJSON: a sparse VAR needs names, paramNames (1 + lags·k), params per equation, sigmaU (k × k) and lastObservations (lags × k) as saved by toJSON', 'json');
    return new FittedLassoVAR({
      penalty: json.penalty, lags: json.lags, nobs: json.nobs, names: json.names.slice(), paramNames: json.paramNames.slice(),
      selection: json.selection, lambda: { ...json.lambda }, lambdaMax: { ...json.lambdaMax },
      params: Object.fromEntries(json.names.map((v) => [v, json.params[v].slice()])), rss: { ...json.rss },
      sigmaU: json.sigmaU.map((r) => r.slice()), lastObservations: json.lastObservations.map((r) => r.slice()), commonLambda: json.commonLambda,
      transform: json.transform ?? 'none',
    });
  }
}

/** Named columns from the registry's { names, columns } (other data forms pass through). */
function toLassoData(data: LassoVARData | MultiSeriesData): LassoVARData {
  if (!Array.isArray(data) && Array.isArray((data as MultiSeriesData).names) && Array.isArray((data as MultiSeriesData).columns)) {
    const m = data as MultiSeriesData;
    return Object.fromEntries(m.names.map((n, j) => [n, m.columns[j]]));
  }
  return data as LassoVARData;
}

/** A lower-triangular factor L with L L' = Σ for a positive semi-definite Σ (zero rows where Σ is singular). */
function choleskyPSD(sigma: readonly (readonly number[])[]): number[][] {
  const k = sigma.length;
  const L = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = sigma[i][j];
      for (let m = 0; m < j; m++) s -= L[i][m] * L[j][m];
      if (i === j) L[i][i] = s > 0 ? Math.sqrt(s) : 0;
      else L[i][j] = L[j][j] > 0 ? s / L[j][j] : 0;
    }
  }
  return L;
}

// ---------------------------------------------------------------------------------------------
// Registry entries

/** The options schema of {@link fitLassoVAR} for the registry (the penalty is the entry's). */
export const lassoVAROptionsSchema = z.strictObject({
  lags: z.number().int().min(1).describe('VAR order p').meta({ cli: { value: 'p' } }),
  lambda: z.number().min(0).optional().describe('penalty on glmnet\'s scale for every equation (default: chosen per equation by select)'),
  select: z.enum(['bic', 'cv']).optional().describe('how λ is chosen per equation when not given (default bic)'),
  folds: z.number().int().min(2).default(5).describe('cross-validation folds of select cv'),
  nlambda: z.number().int().min(2).optional().describe('length of the λ path (default 100)'),
  lambdaMinRatio: z.number().positive().lt(1).optional().describe('smallest λ of the path as a fraction of λ_max (default glmnet\'s)'),
});

function lassoEntry(penalty: LassoPenalty): MultiSeriesModelEntry<z.output<typeof lassoVAROptionsSchema>, FittedLassoVAR> {
  const name = penalty === 'group' ? 'group-lasso-var' : 'lasso-var';
  return {
    name,
    shape: 'multiseries',
    description: penalty === 'group'
      ? 'sparse VAR by the group LASSO (one group per variable\'s lags), λ by BIC or cross-validation; Gaussian plug-in forecasts'
      : 'sparse VAR by the LASSO (glmnet\'s path), λ by BIC or cross-validation; Gaussian plug-in forecasts',
    producesKind: name,
    legacyKinds: penalty === 'lasso' ? ['lasso_var'] : [],
    options: lassoVAROptionsSchema,
    fit: (data, options) => fitLassoVAR(toLassoData(data), { ...options, penalty }),
    fromJSON: (json) => FittedLassoVAR.fromJSON(json as LassoVARJSON),
    report: (fit) => ({ ...fit.report() }),
    backtestOptions: () => ({ lags: 2 }),
    example: { dataset: 'macrodata', columns: ['realgdp', 'realcons', 'realinv'], transform: 'dlog', options: lassoVAROptionsSchema.parse({ lags: 2 }) },
  };
}

/** Registry entries of {@link fitLassoVAR} (LASSO and group LASSO). */
export const lassoVarEntry = lassoEntry('lasso');
export const groupLassoVarEntry = lassoEntry('group');
