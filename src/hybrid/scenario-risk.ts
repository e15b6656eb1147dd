/**
 * The diffusion scenario generator as a model of the risk backtest ({@link riskBacktest}): fitted
 * to the training window, it draws one-day-ahead return scenarios for every test day in one batch
 * (`forecastMany`: the days' histories are consecutive windows of one series, so they are origins
 * of one history), and the VaR and ES are the scenarios' quantile and tail mean. By default it is
 * fitted once, on the first window, and conditions on each day's volatility state thereafter.
 *
 * @example
 * await initEngine();
 * await riskBacktest(r, { models: ['historical', 'garch', scenarioRiskModel('diffusion'), scenarioRiskModel('diffusion-garch', { volatility: 'garch' })] });
 */
import { SampleForecast } from '../core/forecast.js';
import { MEMORY_BUDGET_BYTES } from '../core/validate.js';
import type { RiskFit, RiskForecastOptions, RiskModel } from '../risk/backtest.js';
import { fitScenarioDiffusion, type ScenarioOptions } from './scenarios.js';

/** Options of {@link scenarioRiskModel}: the generator's, and its refit interval. */
export interface ScenarioRiskOptions extends ScenarioOptions {
  /** Refit every K test days. Default Infinity (fit once, on the first window). */
  refitEvery?: number;
}

/**
 * Settings that make a one-day risk forecast of every test day affordable (859 days × 1000 paths
 * on EuStockMarkets): windows of 5 days, a denoiser of 4 residual layers, DPM-Solver++ in 10 steps.
 */
export const SCENARIO_RISK_DEFAULTS: ScenarioOptions = { window: 5, residualLayers: 4, sampler: 'dpm++', samplerSteps: 10 };

/** The generator as a risk model named `name` (see the module notes). */
export function scenarioRiskModel(name: string, options: ScenarioRiskOptions = {}): RiskModel {
  const { refitEvery = Infinity, ...rest } = options;
  const fitOptions: ScenarioOptions = { ...SCENARIO_RISK_DEFAULTS, ...rest };
  // Never more sampler steps than the model's diffusion steps (a small model in tests).
  if (rest.samplerSteps === undefined && rest.diffusionSteps !== undefined) fitOptions.samplerSteps = Math.min(SCENARIO_RISK_DEFAULTS.samplerSteps as number, rest.diffusionSteps);
  return {
    name,
    refitEvery,
    fit(train: Float64Array): RiskFit {
      const gen = fitScenarioDiffusion(train, fitOptions);
      const firstDay = (rows: readonly Float64Array[]) => new SampleForecast(rows.map((row) => Float64Array.of(row[0])));
      const many = (histories: readonly Float64Array[], { rng, paths }: RiskForecastOptions): SampleForecast[] => {
        if (!histories.length) return [];
        const W = histories[0].length;
        const consecutive = histories.every((h, j) => h.length === W && (j === 0 || h.subarray(0, W - 1).every((v, i) => v === histories[j - 1][i + 1])));
        if (!consecutive) return histories.map((h) => firstDay(gen.scenarios({ paths, rng }, [h]).paths));
        // One series: the first history and each next day's newest return; origin W + j is day j.
        const series = new Float64Array(W + histories.length - 1);
        series.set(histories[0]);
        for (let j = 1; j < histories.length; j++) series[W + j - 1] = histories[j][W - 1];
        // Days in blocks whose scenario windows (paths × L values each) stay within the memory budget.
        const block = Math.max(1, Math.floor(MEMORY_BUDGET_BYTES / (2 * paths * (8 * gen.settings.window + 128))));
        const out: SampleForecast[] = [];
        for (let j0 = 0; j0 < histories.length; j0 += block) {
          const origins = Array.from({ length: Math.min(block, histories.length - j0) }, (_, j) => W + j0 + j);
          for (const rows of gen.scenariosAt([series], origins, { paths, rng })) out.push(firstDay(rows));
        }
        return out;
      };
      return {
        forecast: (history, o) => many([history], o)[0],
        forecastMany: many,
      };
    },
  };
}
