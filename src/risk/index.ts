/** Risk backtests: VaR and ES of predictive distributions, their coverage and ES tests, and the rolling backtest. */
export * from './var-tests.js';
export * from './backtest.js';
