/**
 * The registry of the models that are not forecasters — diffusion models, language models, image
 * and video models, the hybrids that refine, impute or draw scenarios — and `loadModel`, which
 * restores any model file ardiff writes: a forecaster through the model registry's `fromJSON`, any
 * other kind through its entry here. Each entry names the module that restores it; the module (and
 * the tensor engine) is loaded on first use, so this file is as light as the registry.
 */
import { ArdiffError, DataError } from './core/errors.js';
import { MODELS, fromJSON, type FittedModel } from './registry.js';

/** What every restored generative model has: its kind, its JSON, and the tensors to free. */
export interface GenerativeModel {
  readonly kind: string;
  toJSON(): unknown;
  /** Frees the model's tensors (models whose parameters live on the tensor engine). */
  dispose?(): void;
}

/** One generative model kind: what its toJSON writes, the entry that exports it, how to restore it. */
export interface GenerativeEntry {
  /** The `kind` its `toJSON` writes. */
  readonly kind: string;
  /** The package entry that exports the model and its restore function. */
  readonly entry: 'ardiff/neural' | 'ardiff/diffusion' | 'ardiff/hybrid';
  /** One line for `ardiff models`. */
  readonly description: string;
  /** Loads the model's module and returns its restore function (the engine is started by `loadModel`). */
  readonly restorer: () => Promise<(json: never) => GenerativeModel>;
}

/** Every generative model kind, in the order `ardiff models` lists them. */
export const GENERATIVE_MODELS: readonly GenerativeEntry[] = [
  { kind: 'diffusion', entry: 'ardiff/diffusion', description: 'diffusion model of points, series windows, images or audio (MLP or U-Net denoiser)', restorer: async () => (await import('./diffusion/model.js')).DiffusionModel.fromJSON },
  { kind: 'text-diffusion', entry: 'ardiff/diffusion', description: 'character-level masked diffusion language model (MDLM)', restorer: async () => (await import('./diffusion/text.js')).textDiffusionFromJSON },
  { kind: 'gpt', entry: 'ardiff/neural', description: 'character-level decoder-only Transformer (GPT)', restorer: async () => (await import('./neural/gpt.js')).gptFromJSON },
  { kind: 'image-gpt', entry: 'ardiff/neural', description: 'autoregressive image model over quantised pixels (ImageGPT)', restorer: async () => (await import('./neural/image-gpt.js')).imageGPTFromJSON },
  { kind: 'conv-gru-video', entry: 'ardiff/neural', description: 'ConvGRU next-frame predictor', restorer: async () => (await import('./neural/conv-gru.js')).convGRUFromJSON },
  { kind: 'classifier', entry: 'ardiff/neural', description: 'MLP classifier (digit scores and Fréchet classifier distance)', restorer: async () => (await import('./neural/classifier.js')).Classifier.fromJSON },
  { kind: 'text-to-image', entry: 'ardiff/hybrid', description: 'GPT text encoder conditioning a diffusion U-Net (Imagen-style)', restorer: async () => (await import('./hybrid/text-to-image.js')).textToImageFromJSON },
  { kind: 'video-diffusion', entry: 'ardiff/hybrid', description: 'conditional diffusion model of the next or a middle video frame (MCVD)', restorer: async () => (await import('./hybrid/video.js')).videoDiffusionFromJSON },
  { kind: 'csdi', entry: 'ardiff/hybrid', description: 'diffusion imputation of missing values in several series (CSDI)', restorer: async () => (await import('./hybrid/csdi.js')).fittedCSDIFromJSON },
  { kind: 'refiner', entry: 'ardiff/hybrid', description: 'diffusion refinement of a forecaster\'s sample paths', restorer: async () => (await import('./hybrid/refine.js')).refinerFromJSON },
  { kind: 'scenario-diffusion', entry: 'ardiff/hybrid', description: 'diffusion scenarios of several series for risk', restorer: async () => (await import('./hybrid/scenarios.js')).scenarioDiffusionFromJSON },
];

/** The generative entry of a kind, or undefined. */
export function findGenerative(kind: string): GenerativeEntry | undefined {
  return GENERATIVE_MODELS.find((m) => m.kind === kind);
}

/** Every kind a model file may have: the registry's forecasters, then the generative models. */
export function modelKinds(): string[] {
  return [...new Set([...MODELS.map((m) => m.producesKind), ...GENERATIVE_MODELS.map((m) => m.kind)])];
}

/**
 * Restores any model written by a `toJSON` of ardiff: a registered forecaster (after loading what
 * it needs, as its entry's `prepare`), or a generative model (its module loaded and the tensor
 * engine started — call `initEngine` first to choose the backend). A JSON that is not a model, an
 * unknown kind or a corrupt file is a {@link DataError} naming 'model'.
 */
export async function loadModel(json: unknown): Promise<FittedModel | GenerativeModel> {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new DataError('model file: a model must be a JSON object with its kind, as written by toJSON', 'model');
  const kind = (json as { kind?: unknown }).kind;
  const forecaster = MODELS.find((m) => m.producesKind === kind || m.legacyKinds?.includes(String(kind)));
  if (forecaster) await forecaster.prepare?.();
  const entry = forecaster || typeof kind !== 'string' ? undefined : findGenerative(kind);
  if (!forecaster && !entry) throw new DataError(`model file: unknown model kind '${String(kind)}'; ardiff writes ${modelKinds().join(', ')}`, 'model');
  let restore: (json: never) => FittedModel | GenerativeModel = fromJSON;
  if (entry) {
    const [r, { initEngine }] = await Promise.all([entry.restorer(), import('./neural/engine/init.js')]);
    await initEngine();
    restore = r;
  }
  try {
    return restore(json as never);
  } catch (e) {
    // Whatever the restore found wrong is wrong in the file, not in the caller's arguments: a
    // DataError naming 'model', its message kept.
    if (e instanceof DataError && e.argument === 'model') throw e;
    if (e instanceof DataError) throw new DataError(e.message, 'model');
    const why = (e as Error)?.message ?? String(e);
    throw new DataError(e instanceof ArdiffError ? `model file: ${why}; the file is corrupt` : `model file: the ${kind} model is malformed (${why}); the file is corrupt or was not written by toJSON`, 'model');
  }
}
