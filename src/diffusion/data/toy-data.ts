/**
 * Two-dimensional test distributions for diffusion models, drawn from the seeded RNG: two
 * interleaving half circles (scikit-learn's `make_moons`, noise 0.05), a swiss roll (the x–z plane
 * of `make_swiss_roll`, noise 0.25, divided by 5), and eight Gaussians on a circle of radius 2
 * (σ = 0.1). Rows are (x, y), row-major.
 */
import { ArgumentError } from '../../core/errors.js';
import { checkBudget } from '../../core/validate.js';
import type { Rng } from '../../core/rng.js';

export type ToyDataset = 'moons' | 'swissroll' | '8gaussians';
export const TOY_DATASETS: readonly ToyDataset[] = ['moons', 'swissroll', '8gaussians'];

export function toyData(name: ToyDataset, n: number, rng: Rng): Float32Array {
  return toyDataLabelled(name, n, rng).data;
}

/**
 * The same draws with a label per row: which half circle (moons), which Gaussian (8gaussians), or
 * which half of the roll by angle (swissroll) — for conditional models.
 */
export function toyDataLabelled(name: ToyDataset, n: number, rng: Rng): { data: Float32Array; labels: Int32Array; numClasses: number } {
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`toyData: n must be a positive integer, got ${n}`, 'n');
  // Two values a row, kept in float32 and float64 copies while a model trains on them.
  checkBudget(n, 2 * 4 * 8, 'n', 'rows');
  const out = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let x: number, y: number;
    if (name === 'moons') {
      const a = Math.PI * rng.uniform();
      labels[i] = rng.uniform() < 0.5 ? 0 : 1;
      if (labels[i] === 0) { x = Math.cos(a); y = Math.sin(a); } else { x = 1 - Math.cos(a); y = 0.5 - Math.sin(a); }
      x += 0.05 * rng.normal();
      y += 0.05 * rng.normal();
    } else if (name === 'swissroll') {
      const u = rng.uniform();
      labels[i] = u < 0.5 ? 0 : 1;
      const t = 1.5 * Math.PI * (1 + 2 * u);
      x = (t * Math.cos(t) + 0.25 * rng.normal()) / 5;
      y = (t * Math.sin(t) + 0.25 * rng.normal()) / 5;
    } else if (name === '8gaussians') {
      const k = Math.min(7, Math.floor(8 * rng.uniform()));
      labels[i] = k;
      x = 2 * Math.cos((k * Math.PI) / 4) + 0.1 * rng.normal();
      y = 2 * Math.sin((k * Math.PI) / 4) + 0.1 * rng.normal();
    } else {
      throw new ArgumentError(`unknown data set '${String(name)}'; use ${TOY_DATASETS.join(', ')}`, 'dataset');
    }
    out[2 * i] = x;
    out[2 * i + 1] = y;
  }
  return { data: out, labels, numClasses: name === '8gaussians' ? 8 : 2 };
}
