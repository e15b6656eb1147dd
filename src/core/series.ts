/**
 * Tables and series from CSV text, the catalogue of bundled data sets, and log transforms (pure:
 * `ardiff/node` reads files and bundled data sets by path with `readTable`).
 * CSV parsing by `csv-parse` (RFC 4180 quoting, well kept); cells `NA`, `NaN`, `.` or empty
 * are missing values (NaN); anything else that is not a decimal number (hex such as `0x10` included)
 * is an error naming row and column.
 */
import { parse } from 'csv-parse/sync';
import { DataError, ArgumentError } from './errors.js';

/** A parsed CSV table: header names and rows of raw cells. */
export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Where it came from (file path or data-set name), for error messages. */
  readonly source: string;
}

const MISSING = new Set(['', 'NA', 'NaN', 'nan', 'NULL', 'null', '.']);

/** Whether a (trimmed) CSV cell marks a missing value: empty, NA, NaN, nan, NULL, null or '.'. */
export function isMissingCell(cell: string): boolean {
  return MISSING.has(cell);
}

/** A decimal number: optional sign, digits with an optional point (or a point and digits), optional exponent. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The number a decimal text stands for (surrounding spaces ignored), or NaN when it is not one:
 * '12', '-3.5', '+.5', '1e-3' are numbers; '', ' ', '0x10', '0b1', '1_000', 'Infinity' are not
 * (`Number()` would read '' and ' ' as 0 and '0x10' as 16). Cells of CSV files and the numbers
 * of command-line flags are read with it.
 */
export function parseDecimal(text: string): number {
  const t = String(text).trim();
  return DECIMAL.test(t) ? Number(t) : NaN;
}

/** One CSV cell, quoted when it holds a comma, a quote, a line break or edge spaces (RFC 4180). */
export function csvCell(s: string): string {
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV line of cells (quoted as {@link csvCell} says), without its line break. */
export function csvRow(cells: readonly string[]): string {
  return cells.map(csvCell).join(',');
}

/** Parses CSV text with a header row. */
export function parseCsv(text: string, source = 'CSV', argument = 'data'): Table {
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: false, bom: true });
  } catch (e) {
    throw new DataError(`${source}: cannot parse CSV (${(e as Error).message})`, argument);
  }
  if (records.length < 2) throw new DataError(`${source}: the file has no data rows; it needs a header row and data rows`, argument);
  const [columns, ...rows] = records;
  // Two columns of one name: every lookup by name would silently take the first.
  const seen = new Map<string, number>();
  columns.forEach((c, j) => {
    const first = seen.get(c);
    if (first !== undefined) {
      throw new DataError(`${source}: the header names column '${c}' twice (columns ${first + 1} and ${j + 1}); rename one so that every column has its own name`, argument);
    }
    seen.set(c, j);
  });
  return { columns, rows, source };
}

/**
 * Extracts one numeric column. Missing cells become NaN; non-numeric cells throw a
 * {@link DataError} that names the row (1-based, header excluded) and column.
 */
export function numericColumn(table: Table, column: string, argument = 'column'): Float64Array {
  const j = table.columns.indexOf(column);
  if (j < 0) {
    throw new DataError(
      `${table.source} has no column '${column}'; available columns: ${table.columns.join(', ')}`,
      argument,
    );
  }
  const out = new Float64Array(table.rows.length);
  table.rows.forEach((row, i) => {
    const cell = row[j];
    if (MISSING.has(cell)) { out[i] = NaN; return; }
    const v = parseDecimal(cell);
    if (!Number.isFinite(v)) {
      throw new DataError(
        `${table.source}: column '${column}', row ${i + 1} holds '${cell}', which is not a number (cells take decimal numbers: no hex, no blanks); fix the cell or mark it missing with NA`,
        argument,
      );
    }
    out[i] = v;
  });
  return out;
}

/** A bundled data set: a CSV under `data/` with its value column and seasonal period. */
export interface DatasetInfo {
  readonly name: string;
  readonly file: string;
  readonly column: string;
  readonly frequency: number;
  readonly description: string;
}

/** The bundled data sets (provenance in data/SOURCES.md). */
export const DATASETS: readonly DatasetInfo[] = [
  { name: 'air-passengers', file: 'r_AirPassengers.csv', column: 'AirPassengers', frequency: 12, description: 'monthly international airline passengers (thousands), 1949-1960, Box & Jenkins series G' },
  { name: 'lynx', file: 'r_lynx.csv', column: 'lynx', frequency: 1, description: 'annual Canadian lynx trappings, 1821-1934' },
  { name: 'nile', file: 'r_Nile.csv', column: 'Nile', frequency: 1, description: 'annual flow of the Nile at Aswan (10^8 m^3), 1871-1970' },
  { name: 'uk-gas', file: 'r_UKgas.csv', column: 'UKgas', frequency: 4, description: 'UK quarterly gas consumption (million therms), 1960-1986' },
  { name: 'us-acc-deaths', file: 'r_USAccDeaths.csv', column: 'USAccDeaths', frequency: 12, description: 'US monthly accidental deaths, 1973-1978' },
  { name: 'lake-huron', file: 'r_LakeHuron.csv', column: 'LakeHuron', frequency: 1, description: 'level of Lake Huron (feet), 1875-1972' },
  { name: 'ldeaths', file: 'r_ldeaths.csv', column: 'ldeaths', frequency: 12, description: 'UK monthly deaths from lung diseases, 1974-1979' },
  { name: 'mdeaths', file: 'r_mdeaths.csv', column: 'mdeaths', frequency: 12, description: 'UK monthly male deaths from lung diseases, 1974-1979' },
  { name: 'fdeaths', file: 'r_fdeaths.csv', column: 'fdeaths', frequency: 12, description: 'UK monthly female deaths from lung diseases, 1974-1979' },
  { name: 'www-usage', file: 'r_WWWusage.csv', column: 'WWWusage', frequency: 1, description: 'users connected to the Internet through a server, per minute (100 minutes)' },
  { name: 'nottem', file: 'r_nottem.csv', column: 'nottem', frequency: 12, description: 'average monthly air temperature at Nottingham (F), 1920-1939' },
  { name: 'co2', file: 'r_co2.csv', column: 'co2', frequency: 12, description: 'Mauna Loa atmospheric CO2 (ppm), monthly 1959-1997' },
  { name: 'bj-sales', file: 'r_BJsales.csv', column: 'BJsales', frequency: 1, description: 'Box & Jenkins series M, sales (150 periods)' },
  { name: 'lh', file: 'r_lh.csv', column: 'lh', frequency: 1, description: 'luteinizing hormone in blood samples at 10-minute intervals (48)' },
  { name: 'johnson-johnson', file: 'r_JohnsonJohnson.csv', column: 'JohnsonJohnson', frequency: 4, description: 'quarterly earnings per Johnson & Johnson share, 1960-1980' },
  { name: 'austres', file: 'r_austres.csv', column: 'austres', frequency: 4, description: 'quarterly number of Australian residents (thousands), 1971-1993' },
  { name: 'sunspot-year', file: 'r_sunspot_year.csv', column: 'sunspot_year', frequency: 1, description: 'yearly sunspot numbers, 1700-1988' },
  { name: 'uk-driver-deaths', file: 'r_UKDriverDeaths.csv', column: 'UKDriverDeaths', frequency: 12, description: 'GB car drivers killed or seriously injured, monthly 1969-1984' },
  { name: 'seatbelts', file: 'r_Seatbelts.csv', column: 'drivers', frequency: 12, description: 'GB road casualties 1969-1984 with the seat-belt law dummy (columns DriversKilled, drivers, front, rear, kms, PetrolPrice, VanKilled, law)' },
  { name: 'nhtemp', file: 'r_nhtemp.csv', column: 'nhtemp', frequency: 1, description: 'average yearly temperature in New Haven (F), 1912-1971' },
  { name: 'airmiles', file: 'r_airmiles.csv', column: 'airmiles', frequency: 1, description: 'US airline revenue passenger miles, 1937-1960' },
  { name: 'discoveries', file: 'r_discoveries.csv', column: 'discoveries', frequency: 1, description: 'number of great inventions and discoveries per year, 1860-1959' },
  { name: 'treering', file: 'r_treering.csv', column: 'treering', frequency: 1, description: 'bristlecone pine ring-width index, 6000 BC - 1979 (7980 years)' },
  { name: 'presidents', file: 'r_presidents.csv', column: 'presidents', frequency: 4, description: 'quarterly US presidential approval rating, 1945-1974 (6 missing)' },
  { name: 'uspop', file: 'r_uspop.csv', column: 'uspop', frequency: 1, description: 'US census population (millions), every ten years 1790-1970' },
  { name: 'eu-stock-markets', file: 'r_EuStockMarkets.csv', column: 'DAX', frequency: 260, description: 'daily closing prices of DAX, SMI, CAC and FTSE, 1991-1998' },
  { name: 'macrodata', file: 'sm_macrodata.csv', column: 'realgdp', frequency: 4, description: 'US quarterly macroeconomic data, 1959-2009 (realgdp, realcons, realinv, cpi, m1, tbilrate, unemp, ...)' },
  { name: 'sunspots', file: 'sm_sunspots.csv', column: 'SUNACTIVITY', frequency: 1, description: 'yearly sunspot activity, 1700-2008' },
  { name: 'elnino', file: 'sm_elnino.csv', column: 'JAN', frequency: 1, description: 'Nino 1+2 sea surface temperature, one row per year 1950-2010, one column per month' },
  { name: 'interest-inflation', file: 'sm_interest_inflation.csv', column: 'Dp', frequency: 4, description: 'German inflation (Dp) and interest rate (R), quarterly 1972-1998' },
  { name: 'longley', file: 'sm_longley.csv', column: 'TOTEMP', frequency: 1, description: 'Longley (1967) macroeconomic regression data (NIST StRD)' },
  { name: 'stackloss', file: 'sm_stackloss.csv', column: 'STACKLOSS', frequency: 1, description: 'Brownlee stack loss plant data (21 runs)' },
  { name: 'danish', file: 'sm_danish_data.csv', column: 'lrm', frequency: 4, description: 'Johansen & Juselius (1990) Danish money demand data' },
  { name: 'co2-weekly', file: 'sm_co2_weekly.csv', column: 'co2', frequency: 52, description: 'Mauna Loa CO2, weekly 1958-2001, with gaps' },
  { name: 'co2-monthly', file: 'sm_co2_monthly.csv', column: 'co2', frequency: 12, description: 'Mauna Loa CO2, monthly means of the weekly series, 1958-2001' },
];

/** The prefix that names a bundled data set unambiguously: `dataset:lynx`. */
export const DATASET_PREFIX = 'dataset:';

/**
 * Looks up a bundled data set by name (`lynx`) or by its prefixed name (`dataset:lynx`, which
 * never means a file). Whether a plain name that is also a file means the file is decided where
 * files are read (`readTable` in ardiff/node: a name that is both is an error naming both).
 */
export function findDataset(name: string): DatasetInfo | undefined {
  const key = typeof name === 'string' && name.startsWith(DATASET_PREFIX) ? name.slice(DATASET_PREFIX.length) : name;
  return DATASETS.find((d) => d.name === key);
}

export type Transform = 'none' | 'log' | 'log10';

/** Applies a log/log10 transform, rejecting non-positive values by position. */
export function applyTransform(y: ArrayLike<number>, transform: Transform, argument = 'transform'): Float64Array {
  const out = Float64Array.from(y);
  if (transform === 'none') return out;
  if (transform !== 'log' && transform !== 'log10') {
    throw new ArgumentError(`${argument} must be one of log, log10; got '${transform as string}'`, argument);
  }
  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    if (Number.isNaN(v)) continue;
    if (!(v > 0)) {
      throw new DataError(`${argument} ${transform} needs positive values; observation ${i + 1} is ${v}. Use no transform or shift the series`, argument);
    }
    out[i] = transform === 'log' ? Math.log(v) : Math.log10(v);
  }
  return out;
}

/** Inverse of {@link applyTransform}. */
export function inverseTransform(v: number, transform: Transform): number {
  return transform === 'log' ? Math.exp(v) : transform === 'log10' ? 10 ** v : v;
}

/**
 * A numeric column or a simple expression of one: `name`, `log(name)`, `log10(name)`,
 * `sqrt(name)`, `exp(name)`. Lets the CLI and fixtures name transformed regressors. A column whose
 * exact name is the text (a header `log(x)`) wins over the expression.
 */
export function columnExpression(table: Table, expr: string, argument = 'column'): Float64Array {
  // A column literally named like an expression ('log(x)') is that column, not the log of x.
  if (table.columns.includes(expr.trim())) return numericColumn(table, expr.trim(), argument);
  const m = /^(log|log10|sqrt|exp)\((.+)\)$/.exec(expr.trim());
  if (!m) return numericColumn(table, expr.trim(), argument);
  const [, fn, inner] = m;
  const x = columnExpression(table, inner, argument);
  return x.map((v, i) => {
    if (Number.isNaN(v)) return v;
    if ((fn === 'log' || fn === 'log10') && !(v > 0)) {
      throw new DataError(`${expr}: row ${i + 1} of '${inner}' is ${v}; the logarithm needs positive values`, argument);
    }
    if (fn === 'sqrt' && v < 0) throw new DataError(`${expr}: row ${i + 1} of '${inner}' is negative`, argument);
    return fn === 'log' ? Math.log(v) : fn === 'log10' ? Math.log10(v) : fn === 'sqrt' ? Math.sqrt(v) : Math.exp(v);
  });
}

/** Transforms of several columns: `log`, `diff` (first differences), `dlog` (differences of logs). */
export type ColumnsTransform = 'none' | 'log' | 'diff' | 'dlog';

/**
 * Applies one transform to every column: `log`, `diff` (x_t − x_{t−1}) or `dlog` (log x_t −
 * log x_{t−1}, growth rates). Differencing drops the first row of every column so they stay
 * aligned; logs need positive values (a {@link DataError} names the column and row).
 */
export function transformColumns(columns: readonly Float64Array[], names: readonly string[], transform: ColumnsTransform, argument = 'transform'): Float64Array[] {
  if (!['none', 'log', 'diff', 'dlog'].includes(transform)) throw new ArgumentError(`${argument} for several series must be log, diff or dlog; got '${String(transform)}'`, argument);
  return columns.map((x, j) => {
    let v = x;
    if (transform === 'log' || transform === 'dlog') {
      v = x.map((u, i) => {
        if (!(u > 0)) throw new DataError(`${argument} ${transform} needs positive values; '${names[j]}' row ${i + 1} is ${u}`, argument);
        return Math.log(u);
      });
    }
    if (transform === 'diff' || transform === 'dlog') v = v.subarray(1).map((u, i) => u - v[i]);
    return v;
  });
}
