/**
 * Where the chunks of a batch are computed: on worker threads (a piscina pool running worker.ts),
 * or in this thread when no threads are asked for or the compiled worker module is absent (the
 * sources run untranspiled, as in the fast tests). Shared by `runBatch` and the queue worker.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runChunk, type ChunkResult, type ChunkTask } from './worker.js';

export interface ChunkRunner {
  /** Worker threads in use (0: this thread). */
  readonly threads: number;
  run(task: ChunkTask): Promise<ChunkResult>;
  destroy(): Promise<void>;
}

/** A runner on `threads` worker threads (0: this thread). */
export async function chunkRunner(threads: number): Promise<ChunkRunner> {
  const file = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (threads < 1 || !existsSync(file)) return { threads: 0, run: runChunk, destroy: async () => undefined };
  const { Piscina } = await import('piscina');
  const pool = new Piscina<ChunkTask, ChunkResult>({ filename: file, minThreads: threads, maxThreads: threads, name: 'runChunk' });
  return { threads, run: (task) => pool.run(task, { name: 'runChunk' }), destroy: () => pool.destroy() };
}
