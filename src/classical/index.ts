/** `ardiff/classical`: least squares and the univariate autoregressive family. */
export * from './ols.js';
export * from './ar.js';
export * from './lpc.js';
export * from './arima.js';
export * from './garch.js';
export * from './auto-arima.js';
export { stl, mstl, type StlOptions, type StlResult, type MstlResult } from './stl.js';
export { kpssTest, ndiffs, nsdiffs, seasonalStrength, type KpssResult } from './unit-root.js';
export * from './spatial-weights.js';
export {
  spatialDiagnostics, type SpatialRegressionOptions, type MoranTest, type ChiSquareTest, type LMTests, type SpatialDiagnostics,
} from './spatial-diagnostics.js';
export * from './spatial.js';
export * from './bayes-ar.js';
export * from './lstar.js';
export * from './estimators/lasso.js';
export * from './lasso-var.js';
export * from './var.js';
export * from './var-irf.js';
export * from './svar.js';
export * from './nar.js';
export * from './contributions.js';
export * from './naive.js';
export * from './impute.js';
