/**
 * Parameter layout of a seasonal ARMA part: how one flat coefficient vector
 * [ar (p), ma (q), seasonal ar (P), seasonal ma (Q)] splits into polynomials, and the
 * stationarity/invertibility reparametrisation applied to each polynomial separately.
 */
import { expandAR, expandMA, toStationary, toInvertible } from './polynomial.js';

/** Layout of the ARMA part of a model: how a flat coefficient vector splits into polynomials. */
export interface Layout {
  p: number; q: number; P: number; Q: number; s: number; d: number; D: number;
}

export function splitArma(L: Layout, v: readonly number[]) {
  let o = 0;
  const take = (k: number) => { const r = v.slice(o, o + k); o += k; return r; };
  const ar = take(L.p), ma = take(L.q), sar = take(L.P), sma = take(L.Q);
  return { ar, ma, sar, sma };
}

/** Unconstrained → constrained (stationary AR, invertible MA) coefficients, per polynomial. */
export function transformArma(L: Layout, x: readonly number[]): number[] {
  const { ar, ma, sar, sma } = splitArma(L, x);
  return [...toStationary(ar), ...toInvertible(ma), ...toStationary(sar), ...toInvertible(sma)];
}

/**
 * R's `arima(transform.pars = TRUE)` coordinates: AR parts through the PACF transform, MA parts
 * left free (inverted to invertibility only after the fit).
 */
export function transformArR(L: Layout, x: readonly number[]): number[] {
  const { ar, ma, sar, sma } = splitArma(L, x);
  return [...toStationary(ar), ...ma, ...toStationary(sar), ...sma];
}

export function polynomials(L: Layout, c: readonly number[]): { phi: number[]; theta: number[] } {
  const { ar, ma, sar, sma } = splitArma(L, c);
  return { phi: expandAR(ar, sar, L.s), theta: expandMA(ma, sma, L.s) };
}

