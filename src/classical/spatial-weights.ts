/**
 * Spatial weights for the spatial regression models (spatial.ts): neighbour lists built from an
 * edge list of 1-based unit ids with every undirected link listed in both directions, binary
 * (style 'B') or row-standardised (style 'W', R spdep `nb2listw(nb, style = "W")`), the lag
 * operators Wx and W'x, and the exact eigenvalues of W.
 *
 * Row-standardised W = D⁻¹B (B binary, symmetric, D its row sums) is similar to the symmetric
 * D^{-1/2} B D^{-1/2}, so its eigenvalues are real and computed exactly by a symmetric
 * eigensolver (Ord 1975, "Estimation methods for models of spatial interaction", JASA 70;
 * R spatialreg's "eigen" method does the same). References for the models in spatial.ts.
 *
 * @example
 * const W = spatialWeights({ from, to }, 49);          // style 'W' (row-standardised)
 * W.lag(y); W.eigenvalues(); W.components;
 */
import { ArgumentError, DataError } from '../core/errors.js';
import { symmetricEigen, type Matrix } from '../core/linalg.js';

/** Weights style: 'W' row-standardised (w_ij = 1/|N(i)|, R `style="W"`), 'B' binary (w_ij = 1). */
export type WeightsStyle = 'W' | 'B';

/** An edge list: parallel columns of 1-based unit ids (`from[i]` → `to[i]`). */
export interface EdgeList {
  readonly from: ArrayLike<number>;
  readonly to: ArrayLike<number>;
}

/** Options of {@link spatialWeights}. */
export interface SpatialWeightsOptions {
  /** 'W' (row-standardised, default) or 'B' (binary). */
  style?: WeightsStyle;
  /**
   * The data's id column (row r of the data has id `ids[r]`); the edge list refers to these ids.
   * Default: ids 1..n in row order.
   */
  ids?: ArrayLike<number>;
  /**
   * Accept a neighbour graph with more than one connected component. Default false: a
   * disconnected graph throws a {@link DataError} (the likelihood is still defined, but such
   * lists are usually a data mistake, e.g. a missing link between two regions).
   */
  allowDisconnected?: boolean;
}

/** Eigen-decomposition of the symmetric matrix S = D^{1/2} W D^{-1/2} similar to W. */
export interface WeightsEigen {
  /** Eigenvalues of W (= of S), ascending. */
  readonly values: number[];
  /** Orthonormal eigenvectors of S, `vectors[i][k]` belongs to `values[k]`. */
  readonly vectors: Matrix;
}

/**
 * Sparse spatial weights built by {@link spatialWeights}: neighbour lists (0-based rows) with
 * their weights, the lag operator Wx, and the (lazily computed, cached) exact eigenvalues of W.
 */
export class SpatialWeights {
  /** Row sums of the binary matrix B (number of neighbours of each unit). */
  readonly cardinality: number[];
  /** Number of directed links (non-zero w_ij). */
  readonly nLinks: number;
  /** S0 = Σ_ij w_ij. */
  readonly s0: number;
  /** Number of connected components of the neighbour graph (1 when connected). */
  readonly components: number;
  /** √d_i of the similarity S = D^{1/2} W D^{-1/2} (all ones for style 'B'). */
  private readonly sqrtD: number[];
  private eig: WeightsEigen | undefined;

  constructor(
    /** Number of units. */
    readonly n: number,
    readonly style: WeightsStyle,
    /** Unit ids in row order. */
    readonly ids: readonly number[],
    /** `neighbours[i]`: rows (0-based, ascending) adjacent to row i. */
    readonly neighbours: readonly (readonly number[])[],
    components: number,
  ) {
    this.cardinality = neighbours.map((nb) => nb.length);
    this.nLinks = this.cardinality.reduce((s, c) => s + c, 0);
    this.s0 = style === 'W' ? n : this.nLinks;
    this.components = components;
    this.sqrtD = style === 'W' ? this.cardinality.map(Math.sqrt) : new Array<number>(n).fill(1);
  }

  /** The weights of row i, aligned with `neighbours[i]`. */
  rowWeights(i: number): number[] {
    const c = this.neighbours[i].length;
    return new Array<number>(c).fill(this.style === 'W' ? 1 / c : 1);
  }

  /** w_ij for a link i → j (0 when absent). */
  weight(i: number, j: number): number {
    if (!this.neighbours[i].includes(j)) return 0;
    return this.style === 'W' ? 1 / this.neighbours[i].length : 1;
  }

  /** The spatial lag Wx (R `lag.listw`). */
  lag(x: ArrayLike<number>): Float64Array {
    if (x.length !== this.n) throw new ArgumentError(`lag: x has ${x.length} values but the weights have ${this.n} units`, 'x');
    const out = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const nb = this.neighbours[i];
      let s = 0;
      for (const j of nb) s += x[j];
      out[i] = this.style === 'W' ? s / nb.length : s;
    }
    return out;
  }

  /** W'x, the lag by the transposed weights. */
  lagTransposed(x: ArrayLike<number>): Float64Array {
    if (x.length !== this.n) throw new ArgumentError(`lagTransposed: x has ${x.length} values but the weights have ${this.n} units`, 'x');
    const out = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const nb = this.neighbours[i];
      const w = this.style === 'W' ? 1 / nb.length : 1;
      for (const j of nb) out[j] += w * x[i];
    }
    return out;
  }

  /** W as a dense n×n matrix. */
  toMatrix(): Matrix {
    const m: Matrix = Array.from({ length: this.n }, () => new Array<number>(this.n).fill(0));
    for (let i = 0; i < this.n; i++) {
      const w = this.style === 'W' ? 1 / this.neighbours[i].length : 1;
      for (const j of this.neighbours[i]) m[i][j] = w;
    }
    return m;
  }

  /**
   * Exact eigenvalues of W, ascending. W = D^{-1/2} S D^{1/2} with S = D^{-1/2} B D^{-1/2}
   * symmetric (style 'W') or S = B (style 'B'), so a symmetric eigensolver gives them (Ord 1975):
   * core `symmetricEigen` (Householder tridiagonalisation + implicit QL, O(n³) with a small
   * constant: n = 506 in under 2 s).
   */
  eigenvalues(): number[] {
    return this.eigen().values.slice();
  }

  /** tr(W'W + WW) = Σ_ij (w_ij² + w_ij w_ji), spdep `tracew`. */
  traceWtWplusWW(): number {
    let t = 0;
    for (let i = 0; i < this.n; i++) {
      const nb = this.neighbours[i];
      const wi = this.style === 'W' ? 1 / nb.length : 1;
      for (const j of nb) {
        const wj = this.style === 'W' ? 1 / this.neighbours[j].length : 1; // w_ji (the list is symmetric)
        t += wi * wi + wi * wj;
      }
    }
    return t;
  }

  /** @internal eigen-decomposition of the symmetric similar matrix (cached). */
  eigen(): WeightsEigen {
    if (this.eig) return this.eig;
    const n = this.n;
    const s: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let i = 0; i < n; i++) {
      for (const j of this.neighbours[i]) s[i][j] = this.style === 'W' ? 1 / (this.sqrtD[i] * this.sqrtD[j]) : 1;
    }
    const { values, vectors } = symmetricEigen(s, 'ascending');
    this.eig = { values, vectors };
    return this.eig;
  }

  /** @internal √d_i of the similarity transform. */
  similarityScale(): readonly number[] {
    return this.sqrtD;
  }
}

/**
 * Builds spatial weights from an edge list of 1-based unit ids (`from`, `to`; each undirected
 * link listed in both directions, as `data/*_edges.csv` and R spdep `nb` objects), then
 * row-standardises (style 'W', R `nb2listw(nb, style="W")`) or keeps binary weights ('B').
 *
 * Throws {@link DataError} (argument 'edges' or 'ids') for: an id outside 1..n or not in the data's
 * id column (naming the id), a self-link, a repeated link, a link without its reverse (naming one),
 * an island (a unit without neighbours, naming it), and, unless `allowDisconnected`, a
 * disconnected neighbour graph.
 *
 * @param edges `{from, to}` columns, or an array of `[from, to]` pairs.
 * @param n number of units (rows of the data).
 */
export function spatialWeights(
  edges: EdgeList | readonly (readonly [number, number])[],
  n: number,
  options: SpatialWeightsOptions = {},
): SpatialWeights {
  const style = options.style ?? 'W';
  if (style !== 'W' && style !== 'B') throw new ArgumentError(`spatialWeights: style must be 'W' or 'B'; got '${String(style)}'`, 'style');
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`spatialWeights: n must be a positive integer (the number of units); got ${n}`, 'n');
  let from: ArrayLike<number>, to: ArrayLike<number>;
  if (Array.isArray(edges)) {
    const pairs = edges as readonly (readonly [number, number])[];
    from = pairs.map((p) => p[0]);
    to = pairs.map((p) => p[1]);
  } else {
    ({ from, to } = edges as EdgeList);
  }
  if (from.length !== to.length) {
    throw new DataError(`spatialWeights: the edge list has ${from.length} 'from' ids but ${to.length} 'to' ids; give one 'to' per 'from'`, 'edges');
  }
  // id → row.
  const ids: number[] = options.ids ? Array.from(options.ids) : Array.from({ length: n }, (_, i) => i + 1);
  if (ids.length !== n) throw new DataError(`spatialWeights: ids has ${ids.length} entries for n = ${n} units; give one id per data row`, 'ids');
  const rowOf = new Map<number, number>();
  ids.forEach((id, r) => {
    if (!Number.isFinite(id)) throw new DataError(`spatialWeights: the id of data row ${r + 1} is missing or not a number`, 'ids');
    if (rowOf.has(id)) throw new DataError(`spatialWeights: id ${id} appears twice in the data (rows ${(rowOf.get(id) ?? 0) + 1} and ${r + 1}); ids must be unique`, 'ids');
    rowOf.set(id, r);
  });
  const lookup = (id: number, k: number, side: string): number => {
    const r = rowOf.get(id);
    if (r === undefined) {
      const where = options.ids ? "is not in the data's id column" : `is outside 1..${n}`;
      throw new DataError(`spatialWeights: edge ${k + 1} has ${side} id ${id}, which ${where}; every id in the edge list must name a data row`, 'edges');
    }
    return r;
  };
  const sets: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  for (let k = 0; k < from.length; k++) {
    const i = lookup(from[k], k, "'from'"), j = lookup(to[k], k, "'to'");
    if (i === j) throw new DataError(`spatialWeights: edge ${k + 1} links id ${ids[i]} to itself; remove self-links`, 'edges');
    if (sets[i].has(j)) throw new DataError(`spatialWeights: the link ${ids[i]} → ${ids[j]} is listed twice (edge ${k + 1}); list each direction once`, 'edges');
    sets[i].add(j);
  }
  for (let i = 0; i < n; i++) {
    for (const j of sets[i]) {
      if (!sets[j].has(i)) {
        throw new DataError(
          `spatialWeights: the edge list is asymmetric: link ${ids[i]} → ${ids[j]} has no reverse ${ids[j]} → ${ids[i]}; list every undirected link in both directions`,
          'edges',
        );
      }
    }
  }
  const islands = ids.filter((_, i) => sets[i].size === 0);
  if (islands.length) {
    throw new DataError(
      `spatialWeights: unit(s) with no neighbours (islands): id ${islands.slice(0, 10).join(', ')}${islands.length > 10 ? ', …' : ''}; add their links or drop those rows`,
      'edges',
    );
  }
  const neighbours = sets.map((s) => Array.from(s).sort((a, b) => a - b));
  // Connected components by breadth-first search.
  const comp = new Array<number>(n).fill(-1);
  let components = 0;
  for (let start = 0; start < n; start++) {
    if (comp[start] >= 0) continue;
    const queue = [start];
    comp[start] = components;
    for (let q = 0; q < queue.length; q++) {
      for (const j of neighbours[queue[q]]) if (comp[j] < 0) { comp[j] = components; queue.push(j); }
    }
    components++;
  }
  if (components > 1 && !options.allowDisconnected) {
    const other = comp.indexOf(1);
    throw new DataError(
      `spatialWeights: the neighbour graph is disconnected (${components} components; e.g. id ${ids[0]} and id ${ids[other]} are not linked by any path); check the edge list, or pass allowDisconnected: true`,
      'edges',
    );
  }
  return new SpatialWeights(n, style, ids, neighbours, components);
}
