/** The samplers a diffusion model offers by name (a light module: the CLI lists them without loading the engine). */
export type SchedulerName = 'ddpm' | 'ddim' | 'dpm++' | 'euler';
export const SCHEDULER_NAMES: readonly SchedulerName[] = ['ddpm', 'ddim', 'dpm++', 'euler'];
