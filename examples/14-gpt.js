// Character-level GPT (decoder-only Transformer) on the first 30,000 characters of tiny Shakespeare:
// the `tiny` preset (150 steps, a few seconds), held-out loss in nats per character,
// save and restore, and sampling with the key/value cache. `ardiff train gpt --preset small` trains
// the model that writes recognisable Shakespeare (about 20 minutes on one core).
import { readFileSync } from 'node:fs';
import { URL } from 'node:url';
import { initEngine, trainGPT, gptFromJSON } from 'ardiff/neural';
import { createRng } from 'ardiff';

await initEngine();
const text = readFileSync(new URL('../data/text/tinyshakespeare.txt', import.meta.url), 'utf8').slice(0, 30000);
const gpt = trainGPT(text, { preset: 'tiny', seed: 1 });
console.log(gpt.summary());
const restored = gptFromJSON(JSON.parse(JSON.stringify(gpt.toJSON())));
const sample = restored.generate('ROMEO:', { tokens: 160, temperature: 0.8, topK: 20, rng: createRng(1) });
console.log(`\nROMEO:${sample}`);
gpt.dispose();
restored.dispose();
