/** Plain-text table helpers for `summary()` output in the style of statsmodels. */

/** Formats a number the way statsmodels' summary tables do (4 significant decimals, exponents when large/small). */
export function fmt(v: number, digits = 4): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(digits - 1);
  return v.toFixed(digits - (a >= 1e4 ? 3 : a >= 1e3 ? 2 : a >= 100 ? 1 : 0));
}

/** Right-aligned fixed-width columns with a header row. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], firstWidth?: number): string {
  const widths = header.map((h, j) => rows.reduce((w, r) => Math.max(w, r[j].length), h.length));
  if (firstWidth !== undefined) widths[0] = Math.max(widths[0], firstWidth);
  const line = (cells: readonly string[]) =>
    cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j] + 2))).join('');
  return [line(header), ...rows.map(line)].join('\n');
}

/** Two label/value columns side by side, as in the top block of a statsmodels summary. */
export function keyValueBlock(left: readonly [string, string][], right: readonly [string, string][], width = 78): string {
  const half = Math.floor(width / 2);
  const n = Math.max(left.length, right.length);
  const out: string[] = [];
  const cell = (kv: [string, string] | undefined, w: number) => {
    if (!kv) return ''.padEnd(w);
    const [k, v] = kv;
    return (k + v.padStart(Math.max(1, w - k.length - 1))).padEnd(w);
  };
  for (let i = 0; i < n; i++) out.push(cell(left[i], half - 1) + '  ' + cell(right[i], half - 1));
  return out.join('\n');
}

export function rule(width = 78, ch = '='): string {
  return ch.repeat(width);
}

/**
 * The summary of a neural or hybrid model: a centred title, the two-column head (see
 * {@link keyValueBlock}), one line per setting (label, value) and closing notes.
 */
export function settingsSummary(title: string, head: string, settings: readonly (readonly [string, string])[], notes: readonly string[] = []): string {
  const w = settings.reduce((m, [k]) => Math.max(m, k.length), 0) + 2;
  return [title.padStart(Math.floor((78 + title.length) / 2)), rule(), head, rule(), ...settings.map(([k, v]) => `${k.padEnd(w)}${v}`), rule(), ...notes].join('\n');
}
