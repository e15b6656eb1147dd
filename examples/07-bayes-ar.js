// Bayesian AR(2) with a conjugate Normal-Inverse-Gamma prior: exact posterior, marginal
// likelihood, one-step Student-t predictive and seeded Monte Carlo paths.
import { fitBayesAR, readTable, numericColumn, applyTransform, createRng } from 'ardiff';

const y = applyTransform(numericColumn(readTable('lynx'), 'lynx'), 'log10');
const fit = fitBayesAR(y, { order: 2, prior: { m0: [0, 0, 0], V0: [[10, 0, 0], [0, 1, 0], [0, 0, 1]], a0: 3, b0: 0.2 } });
console.log(fit.summary());
const one = fit.oneStep();
console.log(`one step ahead: t(${one.df}) location ${one.location.toFixed(4)}, scale ${one.scale.toFixed(4)}`);
const fc = fit.forecast(4, { rng: createRng(1), draws: 20000 });
console.log('4-step predictive means:', Array.from(fc.mean(), (v) => v.toFixed(3)).join(' '));
