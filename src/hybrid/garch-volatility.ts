/**
 * GARCH as the volatility model of the diffusion scenario generator (`volatility: 'garch'`, the
 * hybrid): a GARCH(p,q) per asset, fitted by exact ML to the training returns
 * ({@link fitGARCH}), gives at each origin the h-step standard deviations σ_{t+h|t−1} = √(σ²
 * forecast) that scale the window, and the state log(σ_{t|t−1}/s^long) the generator conditions
 * on. The fit's parameters stay fixed; each history only reruns the variance filter.
 */
import { fitGARCH, garchFromJSON, type FittedGARCH, type GARCHJSON, type GARCHOptions } from '../classical/garch.js';
import { provideGarchVolatility, type VolatilityModel, type VolatilityModelFactory } from './scenarios.js';

function wrap(fit: FittedGARCH): VolatilityModel {
  const [p, q] = fit.toJSON().order;
  return {
    label: `GARCH(${p},${q})-${fit.toJSON().dist}`,
    sdForecast: (history, L) => fit.apply(history).varianceForecast(L).map(Math.sqrt),
    toJSON: () => fit.toJSON(),
  };
}

/** A volatility-model factory of GARCH with `options` (default GARCH(1,1) with Student-t innovations). */
export function garchVolatility(options: GARCHOptions = { order: [1, 1], dist: 'std' }): VolatilityModelFactory {
  return {
    fit: (returns) => wrap(fitGARCH(returns, options)),
    fromJSON: (json) => wrap(garchFromJSON(json as GARCHJSON)),
  };
}

provideGarchVolatility(garchVolatility());
