// DeepAR-style LSTM forecaster (Salinas et al. 2020) on log AirPassengers: train on 1949-1959
// (seeded, a few seconds), forecast 1960 from 1000 ancestral sample paths, compare with the
// seasonal naive forecast, and save/restore the model. `ardiff fit --data air-passengers
// --transform log --model lstm` trains the default, larger network (2 layers of 40 units).
import { initEngine, fitDeepAR, deepARFromJSON } from 'ardiff/neural';
import { readTable, numericColumn, applyTransform } from 'ardiff';

await initEngine();
const y = applyTransform(numericColumn(readTable('air-passengers'), 'AirPassengers'), 'log');
const H = 12;
const train = y.slice(0, y.length - H), test = y.slice(y.length - H);

const t0 = performance.now();
const fit = fitDeepAR(train, { cell: 'lstm', seasonalPeriod: 12, layers: 1, hiddenSize: 16, epochs: 40, seed: 1 });
const seconds = (performance.now() - t0) / 1000;
const tr = fit.training;
console.log(`LSTM 1x16, ${fit.nWeights} weights: ${tr.epochsRun} epochs (${tr.steps} steps) in ${seconds.toFixed(1)} s, kept epoch ${tr.bestEpoch} (validation NLL ${fit.bestValLoss.toFixed(3)})`);

const fc = fit.forecast(H);
const mean = fc.mean(), i80 = fc.interval(80);
let maeNet = 0, maeNaive = 0, covered = 0;
console.log('\n1960    actual  forecast  80% interval (passengers, thousands)');
for (let h = 0; h < H; h++) {
  const naive = train[train.length - 12 + h];
  maeNet += Math.abs(mean[h] - test[h]) / H;
  maeNaive += Math.abs(naive - test[h]) / H;
  if (test[h] >= i80.lower[h] && test[h] <= i80.upper[h]) covered++;
  const e = (v) => Math.exp(v).toFixed(0).padStart(6);
  console.log(`month ${String(h + 1).padStart(2)} ${e(test[h])}  ${e(mean[h])}    ${e(i80.lower[h])} .. ${e(i80.upper[h])}`);
}
console.log(`\nMAE (log scale): LSTM ${maeNet.toFixed(4)}, seasonal naive ${maeNaive.toFixed(4)}; 80% interval covers ${covered}/12 months`);

const restored = deepARFromJSON(JSON.parse(JSON.stringify(fit.toJSON())));
const same = restored.forecast(H).mean().every((v, i) => v === mean[i]);
console.log(`restored from JSON: ${same ? 'identical' : 'DIFFERENT'} forecast`);
fit.dispose();
restored.dispose();
