/**
 * The model registry: every forecasting model registers how to fit it, how to restore it from
 * JSON, and a small example the shared contract test runs (shapes, save/load round trip, seed
 * determinism, sample mean ≈ analytic mean). A model that is not registered is not finished.
 */
import type { Forecaster } from './core/model.js';
import { fitAR, arFromJSON, type AROptions, type ARJSON } from './classical/ar.js';
import { fitArima, FittedArima, type ArimaOptions, type ArimaJSON } from './classical/arima.js';
import { autoArima, type AutoArimaOptions } from './classical/auto-arima.js';
import { fitBayesAR, bayesARFromJSON, type BayesAROptions, type BayesARJSON } from './classical/bayes-ar.js';
import { fitLSTAR, lstarFromJSON, type LSTAROptions, type LSTARJSON } from './classical/lstar.js';
import { fitNAR, narFromJSON, type NAROptions, type NARJSON } from './classical/nar.js';
import { fitNaive, fitSeasonalNaive, naiveFromJSON, type NaiveOptions, type SeasonalNaiveOptions, type NaiveJSON } from './classical/naive.js';
import type { DeepAROptions, DeepARJSON } from './neural/deepar.js';
import { loadNeuralForecasters, neuralForecasters } from './core/neural-forecasters.js';
import { ArgumentError } from './core/errors.js';

/** A registered model: fit, restore, and the example the contract test uses. */
export interface ModelEntry<O> {
  /** Name used by the CLI and `toJSON().kind` of what `fit` returns (see `producesKind`). */
  readonly name: string;
  readonly description: string;
  /** `kind` of the fitted object (auto-arima produces an 'arima' model). */
  readonly producesKind: string;
  fit(y: ArrayLike<number>, options: O): Forecaster;
  /**
   * Awaited once before the first `fit` or `fromJSON` of this model (neural models start the
   * tensor engine here); absent for models that need nothing.
   */
  readonly prepare?: () => Promise<unknown>;
  /** Bundled data set and options for the contract test and documentation. */
  readonly example: { dataset: string; transform?: 'log' | 'log10'; options: O };
}

const arEntry: ModelEntry<AROptions> = {
  name: 'ar',
  description: 'AR(p) by conditional OLS, Yule-Walker, Burg or exact ML',
  producesKind: 'ar',
  fit: fitAR,
  example: { dataset: 'lynx', transform: 'log10', options: { order: 2 } },
};

const arimaEntry: ModelEntry<ArimaOptions> = {
  name: 'arima',
  description: 'ARIMA / SARIMA with trend and exogenous regressors, exact ML by Kalman filter',
  producesKind: 'arima',
  fit: fitArima,
  example: { dataset: 'air-passengers', transform: 'log', options: { order: [0, 1, 1], seasonal: { order: [0, 1, 1], period: 12 } } },
};

const autoArimaEntry: ModelEntry<AutoArimaOptions> = {
  name: 'auto-arima',
  description: 'automatic (S)ARIMA order selection, Hyndman-Khandakar as R forecast::auto.arima',
  producesKind: 'arima',
  fit: autoArima,
  example: { dataset: 'www-usage', options: {} },
};

const bayesArEntry: ModelEntry<BayesAROptions> = {
  name: 'bayes-ar',
  description: 'Bayesian AR(p) with the conjugate Normal-Inverse-Gamma prior; Monte Carlo predictive',
  producesKind: 'bayes-ar',
  fit: fitBayesAR,
  example: { dataset: 'lynx', transform: 'log10', options: { order: 2, draws: 4000 } },
};

const lstarEntry: ModelEntry<LSTAROptions> = {
  name: 'lstar',
  description: 'logistic smooth-transition AR by nonlinear least squares; forecasts by simulation',
  producesKind: 'lstar',
  fit: fitLSTAR,
  example: { dataset: 'lynx', transform: 'log10', options: { order: 2, paths: 4000 } },
};

const narEntry: ModelEntry<NAROptions> = {
  name: 'nar',
  description: 'sigmoid neural-network autoregression (one hidden layer) by penalised least squares; forecasts by simulation',
  producesKind: 'nar',
  fit: fitNAR,
  example: { dataset: 'lynx', transform: 'log10', options: { order: 2, paths: 4000 } },
};

const naiveEntry: ModelEntry<NaiveOptions> = {
  name: 'naive',
  description: 'naive (random walk) forecast as R forecast::naive; sigma from the in-sample one-step naive residuals',
  producesKind: 'naive',
  fit: fitNaive,
  example: { dataset: 'nile', options: {} },
};

const seasonalNaiveEntry: ModelEntry<SeasonalNaiveOptions> = {
  name: 'seasonal-naive',
  description: 'seasonal naive forecast as R forecast::snaive; se_h = sigma sqrt(floor((h-1)/m) + 1)',
  producesKind: 'seasonal-naive',
  fit: fitSeasonalNaive,
  example: { dataset: 'air-passengers', transform: 'log', options: { period: 12 } },
};

// DeepAR-style recurrent forecasters, loaded with the tensor engine by `prepare` (not when ardiff is
// imported). The examples are small (one layer of 16 units, 20 epochs) so that the contract test
// trains each in a few seconds.
function deepAREntry(cell: 'lstm' | 'gru'): ModelEntry<DeepAROptions> {
  return {
    name: cell,
    description: `DeepAR-style ${cell.toUpperCase()} probabilistic forecaster (Gaussian or Student-t head); forecasts by ancestral sampling`,
    producesKind: cell,
    fit: (y, options) => neuralForecasters(cell).fitDeepAR(y, { ...options, cell }),
    prepare: loadNeuralForecasters,
    example: { dataset: 'air-passengers', transform: 'log', options: { seasonalPeriod: 12, hiddenSize: 16, layers: 1, epochs: 20, paths: 4000 } },
  };
}

const lstmEntry = deepAREntry('lstm');
const gruEntry = deepAREntry('gru');

/** All registered forecasting models. */
export const MODELS = [arEntry, arimaEntry, autoArimaEntry, bayesArEntry, lstarEntry, narEntry, naiveEntry, seasonalNaiveEntry, lstmEntry, gruEntry] as const;

/** JSON of any registered fitted model. */
export type ModelJSON = ARJSON | ArimaJSON | BayesARJSON | LSTARJSON | NARJSON | NaiveJSON | DeepARJSON;

/** Restores any registered fitted model from its `toJSON()` output, dispatching on `kind`. */
export function fromJSON(json: ModelJSON): Forecaster {
  switch (json?.kind) {
    case 'ar': return arFromJSON(json);
    case 'arima': return FittedArima.fromJSON(json);
    case 'bayes-ar': return bayesARFromJSON(json);
    case 'lstar': return lstarFromJSON(json);
    case 'nar': return narFromJSON(json);
    case 'naive': case 'seasonal-naive': return naiveFromJSON(json);
    case 'lstm': case 'gru': return neuralForecasters(json.kind).deepARFromJSON(json);
    default:
      throw new ArgumentError(`fromJSON: unknown model kind '${(json as { kind?: string })?.kind}'; known kinds: ar, arima, bayes-ar, lstar, nar, naive, seasonal-naive, lstm, gru`, 'json');
  }
}
