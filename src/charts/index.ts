/** Charts as SVG strings (Vega-Lite, rendered headless; Vega loads on the first chart). */
export { fanChartSvg, type FanChartData } from './fan-chart.js';
export { irfChartSvg, grangerGraphSvg, type IrfChartData, type GrangerEdge } from './var-charts.js';
export { multiFanChartSvg, imputationChartSvg, type MultiFanChartData, type ImputationChartData } from './multi-charts.js';
export { riskChartSvg, type RiskChartData } from './risk-chart.js';
