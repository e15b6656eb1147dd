/**
 * The benchmark's 200 real series, built deterministically from the CSV files bundled in data/
 * (see data/SOURCES.md). Every peer gets exactly this list (run.js writes it to the task file).
 *
 * Rules, applied in this order:
 *  1. Sources: every numeric column of the time-series CSVs listed in SOURCES below (index columns
 *     such as time/year/period/quarter/date are not series). sm_elnino.csv (one row per year, one
 *     column per month) is read row by row as one monthly series. Not used: the spatial_* files and
 *     sm_longley / sm_stackloss (not time series), and series shorter than MIN_LEN (r_airmiles,
 *     r_uspop, r_lh, r_nhtemp, r_USAccDeaths, r_[lmf]deaths, r_austres, r_JohnsonJohnson,
 *     r_LakeHuron, sm_danish_data).
 *  2. A source identical to an earlier one is dropped (r_UKDriverDeaths = Seatbelts 'drivers',
 *     sm_nile = r_Nile).
 *  3. Seasonal period: monthly 12, quarterly 4, anything else (annual, daily, weekly, per-minute) 1.
 *  4. Windows: a source of MIN_LEN..MAX_LEN observations is used whole; a longer one is cut into
 *     k = floor(n / MIN_LEN) consecutive windows of w = floor(n / k) observations (so
 *     MIN_LEN <= w < 2·MIN_LEN), aligned to the end of the series (its first n - k·w observations
 *     are not used).
 *  5. A window is rejected if it has a missing/non-finite value (r_presidents, the gaps of
 *     sm_co2_weekly) or a constant stretch of MAX_RUN or more equal consecutive values (Seatbelts
 *     'law', holiday-filled stretches of EuStockMarkets, forward-filled months of sm_co2_monthly).
 *  6. Sources are taken in SOURCES order and the list is cut off after TOTAL accepted windows. The
 *     tree-ring record r_treering (7980 annual values, 79 windows of 101) comes last and so
 *     supplies the remainder with its earliest windows.
 *
 * Run `node bench/series.js` to print the list (name, period, length).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

export const TOTAL = 200;
export const MIN_LEN = 100;
export const MAX_LEN = 200;
export const MAX_RUN = 4;

const DATA = fileURLToPath(new URL('../data/', import.meta.url));

/** Time-series CSVs in data/, in the order their series enter the list, with the seasonal period. */
const SOURCES = [
  { file: 'r_AirPassengers.csv', period: 12 },
  { file: 'r_BJsales.csv', period: 1 },
  { file: 'r_EuStockMarkets.csv', period: 1 },
  { file: 'r_JohnsonJohnson.csv', period: 4 },
  { file: 'r_LakeHuron.csv', period: 1 },
  { file: 'r_Nile.csv', period: 1 },
  { file: 'r_Seatbelts.csv', period: 12 },
  { file: 'r_UKDriverDeaths.csv', period: 12 },
  { file: 'r_UKgas.csv', period: 4 },
  { file: 'r_USAccDeaths.csv', period: 12 },
  { file: 'r_WWWusage.csv', period: 1 },
  { file: 'r_airmiles.csv', period: 1 },
  { file: 'r_austres.csv', period: 4 },
  { file: 'r_co2.csv', period: 12 },
  { file: 'r_discoveries.csv', period: 1 },
  { file: 'r_fdeaths.csv', period: 12 },
  { file: 'r_ldeaths.csv', period: 12 },
  { file: 'r_lh.csv', period: 1 },
  { file: 'r_lynx.csv', period: 1 },
  { file: 'r_mdeaths.csv', period: 12 },
  { file: 'r_nhtemp.csv', period: 1 },
  { file: 'r_nottem.csv', period: 12 },
  { file: 'r_presidents.csv', period: 4 },
  { file: 'r_sunspot_year.csv', period: 1 },
  { file: 'r_uspop.csv', period: 1 },
  { file: 'sm_co2_monthly.csv', period: 12 },
  { file: 'sm_co2_weekly.csv', period: 1 },
  { file: 'sm_danish_data.csv', period: 4 },
  { file: 'sm_elnino.csv', period: 12, byRow: true },
  { file: 'sm_interest_inflation.csv', period: 4 },
  { file: 'sm_macrodata.csv', period: 4 },
  { file: 'sm_nile.csv', period: 1 },
  { file: 'sm_sunspots.csv', period: 1 },
  { file: 'r_treering.csv', period: 1 },
];

const INDEX_COLUMNS = new Set(['time', 'year', 'period', 'quarter', 'date', 'month']);

/** Minimal CSV reader for the data/ files: header row, numbers, NA/NaN/empty = missing. */
function readCsv(file) {
  const lines = readFileSync(DATA + file, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.replace(/^"|"$/g, ''));
  const cols = header.map(() => []);
  for (const line of lines.slice(1)) {
    line.split(',').forEach((cell, j) => {
      const c = cell.replace(/^"|"$/g, '');
      cols[j].push(c === '' || c === 'NA' || c === 'NaN' ? NaN : Number(c));
    });
  }
  return { header, cols };
}

/** The source series of one CSV: [{ name, values }]. */
function sourceSeries({ file, byRow }) {
  const stem = file.replace(/\.csv$/, '');
  const { header, cols } = readCsv(file);
  const valueIdx = header.map((h, j) => j).filter((j) => !INDEX_COLUMNS.has(header[j].toLowerCase()));
  if (byRow) {
    // One row per year, one column per month: concatenate the rows.
    const n = cols[0].length;
    const values = [];
    for (let i = 0; i < n; i++) for (const j of valueIdx) values.push(cols[j][i]);
    return [{ name: stem, values }];
  }
  return valueIdx.map((j) => ({ name: valueIdx.length === 1 ? stem : `${stem}.${header[j]}`, values: cols[j] }));
}

function longestRun(v) {
  let best = 1, run = 1;
  for (let i = 1; i < v.length; i++) {
    run = v[i] === v[i - 1] ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

/** Why a window is unusable, or null when it is fine. */
function reject(values) {
  if (values.some((v) => !Number.isFinite(v))) return 'missing values';
  if (longestRun(values) >= MAX_RUN) return `a run of ${longestRun(values)} equal values`;
  return null;
}

function sameValues(a, b) {
  return a.length === b.length && a.every((v, i) => v === b[i] || (Number.isNaN(v) && Number.isNaN(b[i])));
}

/**
 * Builds the benchmark series: exactly TOTAL entries { name, period, values } with names such as
 * `r_EuStockMarkets.DAX[1675:1860]` (1-based, inclusive observation range of the source).
 * With `{ log: true }` it also returns the rejected windows and dropped sources.
 */
export function buildSeries(options = {}) {
  const out = [];
  const log = [];
  const seen = [];
  const push = (name, period, values, from) => {
    const why = reject(values);
    const label = `${name}[${from + 1}:${from + values.length}]`;
    if (why) { log.push(`${label}: rejected (${why})`); return; }
    if (out.length < TOTAL) out.push({ name: label, period, values });
  };
  for (const src of SOURCES) {
    for (const s of sourceSeries(src)) {
      const n = s.values.length;
      if (seen.some((v) => sameValues(v, s.values))) { log.push(`${s.name}: dropped (duplicate of an earlier source)`); continue; }
      seen.push(s.values);
      if (n < MIN_LEN) { log.push(`${s.name}: dropped (${n} < ${MIN_LEN} observations)`); continue; }
      if (n <= MAX_LEN) { push(s.name, src.period, s.values.slice(), 0); continue; }
      const k = Math.floor(n / MIN_LEN);
      const w = Math.floor(n / k);
      for (let i = 0; i < k; i++) {
        const from = n - (k - i) * w;
        push(s.name, src.period, s.values.slice(from, from + w), from);
      }
    }
  }
  if (out.length !== TOTAL && !options.log) throw new Error(`bench/series.js built ${out.length} series, expected ${TOTAL}`);
  return options.log ? { series: out, log } : out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { series, log } = buildSeries({ log: true });
  for (const line of log) console.log(`# ${line}`);
  series.forEach((s, i) => console.log(`${String(i + 1).padStart(3)}  ${s.name}  period ${s.period}  n ${s.values.length}`));
}
