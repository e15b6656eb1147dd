/**
 * Window functions for frame-wise analysis of signals (pure, on typed arrays).
 */

/**
 * The Hann window sampled at the midpoints of `length` equal cells: ½ − ½·cos(2π(i + ½)/length),
 * i = 0 … length − 1 — symmetric, and never exactly 0 at the ends (the analysis window of the
 * linear-prediction code and of the log-spectral distance).
 */
export function hannMidpoint(length: number): Float64Array {
  return Float64Array.from({ length }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / length));
}
