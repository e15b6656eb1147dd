/**
 * The messages between the studio page and its Web Worker. The page sends requests and draws what
 * comes back; every model call happens in the worker, through the library.
 */

/** A CSV text and where it came from (a bundled data set's name or a file name), for messages. */
export interface CsvSource {
  csv: string;
  source: string;
}

export type Request =
  | { type: 'models'; id: number }
  | ({ type: 'columns'; id: number } & CsvSource)
  | ({ type: 'fit'; id: number } & CsvSource & FitSettings)
  | ({ type: 'fit-multi'; id: number } & CsvSource & MultiFitSettings)
  | ({ type: 'diffusion-train'; id: number } & DiffusionSettings)
  | ({ type: 'diffusion-sample'; id: number } & SampleSettings)
  | ({ type: 'gpt-train'; id: number } & GPTSettings)
  | { type: 'gpt-load'; id: number; json: unknown; source: string }
  | ({ type: 'gpt-generate'; id: number } & GenerateSettings)
  | ({ type: 'digits'; id: number } & DigitSettings)
  | ({ type: 'prompt'; id: number } & PromptSettings);

/** Images for a caption from the bundled text → image model (the page sends the file once). */
export interface PromptSettings {
  model?: unknown;
  prompt: string;
  n: number;
  guidance: number;
  steps: number;
  seed: number;
}

/** A grid of digits from the bundled class-conditional U-Net (the page sends the model file once). */
export interface DigitSettings {
  /** The model file's JSON, on the first request only (the worker keeps the model). */
  model?: unknown;
  /** A class 0–9, or null for one row per class. */
  digit: number | null;
  guidance: number;
  perClass: number;
  steps: number;
  seed: number;
}

/** The diffusion tab: a 2-D toy data set and the training run. */
export interface DiffusionSettings {
  dataset: 'moons' | 'swissroll' | '8gaussians';
  steps: number;
  seed: number;
}

/** Drawing points from the trained 2-D model, with the reverse process kept for the animation. */
export interface SampleSettings {
  scheduler: 'ddpm' | 'ddim' | 'dpm++';
  steps: number;
  n: number;
  seed: number;
}

/** The text tab: a tiny GPT trained on the bundled Shakespeare (the text comes with the request). */
export interface GPTSettings {
  text: string;
  steps: number;
  seed: number;
}

export interface GenerateSettings {
  prompt: string;
  tokens: number;
  temperature: number;
  topK: number | null;
  topP: number | null;
  seed: number;
}

/** What the forecast tab fits. */
export interface FitSettings {
  column: string;
  models: string[];
  horizon: number;
  /** Seasonal period (1: none). */
  period: number;
  transform: 'none' | 'log';
  seed: number;
  /** Training epochs of the neural models (null: each model's default). */
  epochs: number | null;
}

/** What the forecast tab fits jointly on several columns (VAR, the sparse VARs, TimeGrad). */
export interface MultiFitSettings {
  columns: string[];
  models: string[];
  horizon: number;
  period: number;
  seed: number;
  epochs: number | null;
}

/** A registered model of one series, for the model picker. */
export interface ModelInfo {
  name: string;
  description: string;
  /** Runs on the tensor engine (trains; slower). */
  neural: boolean;
  /** Models one series, or several jointly. */
  shape: 'series' | 'multi';
}

/** One jointly fitted model: per series, the forecast on the data's scale. */
export interface MultiModelResult {
  model: string;
  summary: string;
  names: string[];
  /** h × D. */
  mean: number[][];
  lo80: number[][];
  hi80: number[][];
  svg: string;
  seconds: number;
}

/** One row of the joint backtest table (the last `horizon` rows held out). */
export interface MultiBacktestRow {
  model: string;
  crpsSum: number;
  wql: number;
  energy: number;
  cover80: number;
  cover90: number;
  seconds: number;
}

/** One model's forecast on the original scale (back-transformed: the median under a log). */
export interface ModelResult {
  model: string;
  summary: string;
  mean: number[];
  lo80: number[];
  hi80: number[];
  lo95: number[];
  hi95: number[];
  svg: string;
  seconds: number;
}

/** One row of the backtest table (the last `horizon` points held out). */
export interface BacktestRow {
  model: string;
  mase: number;
  smape: number;
  crps: number;
  cover80: number;
  cover95: number;
  seconds: number;
}

export interface StudioError {
  type: string;
  argument: string | null;
  message: string;
}

export type Reply =
  | { type: 'models'; id: number; models: ModelInfo[] }
  | { type: 'columns'; id: number; columns: string[]; rows: number }
  | { type: 'progress'; id: number; stage: 'fit' | 'backtest'; model: string; done: number; total: number }
  | { type: 'result'; id: number; column: string; n: number; time: number[]; history: number[]; results: ModelResult[]; backtest: BacktestRow[]; backtestTable: string }
  | { type: 'result-multi'; id: number; names: string[]; n: number; results: MultiModelResult[]; backtest: MultiBacktestRow[] }
  | { type: 'loss'; id: number; step: number; steps: number; loss: number }
  | { type: 'diffusion-trained'; id: number; data: number[]; losses: number[]; seconds: number }
  | { type: 'diffusion-sampled'; id: number; samples: number[]; frames: number[][]; timesteps: number[]; seconds: number }
  | { type: 'gpt-ready'; id: number; description: string; losses: number[]; seconds: number }
  | { type: 'generated'; id: number; text: string; seconds: number }
  | { type: 'digits'; id: number; images: number[]; size: number; rows: number; cols: number; seconds: number; needsModel: boolean }
  | { type: 'error'; id: number; error: StudioError };
