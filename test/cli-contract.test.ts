// The command line's error contract, checked on the real `ardiff` process (not in-process): every
// bad input exits 2 with `error: …` on stderr and, with --json, one JSON object
// {"error": {"type", "argument", "message"}} on stdout; --help and --version exit 0; never a stack
// trace, an exit code 1 or 7 for bad input, or a partial output file.
//
// The CLI runs from the current sources: they are transpiled (types stripped, no type check) into
// a temporary package laid out as dist/ (dist/cli/main.js, with data/, node_modules/ and
// package.json beside it), so no build is needed and dist/ is left alone.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ardiff-contract-'));
const pkg = join(work, 'pkg');
const main = join(pkg, 'dist', 'cli', 'main.js');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** src/**.ts → pkg/dist/**.js, types stripped. */
function transpileSources(): void {
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.d.ts') && !p.endsWith('.test.ts')) {
        const out = join(pkg, 'dist', relative(join(ROOT, 'src'), p)).replace(/\.ts$/, '.js');
        mkdirSync(dirname(out), { recursive: true });
        const js = ts.transpileModule(readFileSync(p, 'utf8'), { fileName: p, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
        writeFileSync(out, js.outputText);
      }
    }
  };
  walk(join(ROOT, 'src'));
  for (const d of ['data', 'node_modules']) symlinkSync(join(ROOT, d), join(pkg, d));
  copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `node pkg/dist/cli/main.js ...args` in the work folder (stdout and stderr are pipes, not terminals). */
function ardiff(args: readonly string[], timeout = 60_000): Run {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [main, ...args], { cwd: work, encoding: 'utf8', timeout, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms: performance.now() - t0 };
}

const at = (...p: string[]) => join(work, ...p);
/** Tiny diffusion training (moons): well under a second. */
const TINY = ['--rows', '200', '--steps', '5', '--width', '8', '--blocks', '1'];
const FIT = ['fit', '--data', 'air-passengers', '--model', 'naive'];
let gptTrain: Run;

beforeAll(() => {
  transpileSources();
  mkdirSync(at('adir'));
  mkdirSync(at('ckdir', 'm.checkpoint.json'), { recursive: true }); // a folder where the checkpoint goes
  writeFileSync(at('afile.txt'), 'not a folder\n');
  writeFileSync(at('rows.csv'), ['x,y', ...Array.from({ length: 40 }, (_, i) => `${Math.sin(i)},${Math.cos(i)}`)].join('\n') + '\n');
  symlinkSync('rows.csv', at('link.csv'));
  writeFileSync(at('text.txt'), readFileSync(join(ROOT, 'README.md'), 'utf8').slice(0, 6000));
  const m = ardiff(['diffusion', 'train', '--dataset', 'moons', ...TINY, '--out', 'm.json', '--json']);
  if (m.code !== 0) throw new Error(`training the test model failed:\n${m.stdout}${m.stderr}`);
  copyFileSync(at('m.json'), at('model-named.csv')); // a model file with a .csv name: --out onto --model
  gptTrain = ardiff(['train', 'gpt', '--text', 'text.txt', '--preset', 'tiny', '--steps', '10', '--out', 'g.json']);
  if (gptTrain.code !== 0) throw new Error(`training the test GPT failed:\n${gptTrain.stdout}${gptTrain.stderr}`);
}, 120_000);

interface Row {
  /** What the row checks. */
  name: string;
  args: string[];
  code: number;
  /** With --json and a failure: the error's type and argument, and a pattern of its message. */
  error?: { type: string; argument: string | null; message: RegExp };
  stdout?: RegExp;
  stderr?: RegExp;
  /** Output paths (relative to the work folder) that must not exist afterwards. */
  absent?: string[];
  /** More checks on the result. */
  check?: (r: Run) => void;
  /** A failure that must come before any work: within this many ms. */
  fast?: boolean;
}

const usage = (argument: string | null, message: RegExp) => ({ type: 'ArgumentError', argument, message });

const ROWS: Row[] = [
  // 1. commander's own errors, with and without --json; --help and --version.
  { name: 'unknown option (--json)', args: [...FIT, '--colum', 'x', '--json'], code: 2, error: usage('--colum', /unknown option '--colum'/) },
  { name: 'unknown option (plain)', args: [...FIT, '--colum', 'x'], code: 2, stderr: /^error: unknown option '--colum'/m },
  { name: 'misspelt option: a suggestion', args: [...FIT, '--horizn', '3', '--json'], code: 2, error: usage('--horizn', /Did you mean --horizon\?/) },
  { name: 'missing required option (--json)', args: ['fit', '--model', 'naive', '--json'], code: 2, error: usage('--data', /required option '--data <file>' not specified/) },
  { name: 'missing required option (plain)', args: ['diffusion', 'sample', '--n', '2'], code: 2, stderr: /^error: required option '--model/m },
  { name: 'invalid choice (--json)', args: [...FIT, '--transform', 'cube', '--json'], code: 2, error: usage('--transform', /'cube' is invalid\. Allowed choices are log, log10, diff, dlog/) },
  { name: 'invalid choice (plain)', args: ['generate', '--model', 'g.json', '--prompt', 'x', '--unknown', 'maybe'], code: 2, stderr: /^error: option '--unknown <how>' argument 'maybe' is invalid/m },
  { name: 'option without its value (--json before it)', args: ['fit', '--json', '--data', 'air-passengers', '--model', 'naive', '--horizon'], code: 2, error: usage('--horizon', /'--horizon <h>' argument missing/) },
  { name: 'unknown command (--json)', args: ['frobnicate', '--json'], code: 2, error: usage('frobnicate', /unknown command 'frobnicate'/) },
  { name: 'misspelt command (plain): a suggestion', args: ['fti', '--data', 'x'], code: 2, stderr: /^error: unknown command 'fti'.*Did you mean fit\?/m },
  { name: 'missing command', args: ['diffusion'], code: 2, stderr: /^error: ardiff diffusion needs a command: train, sample, restore/m },
  { name: 'too many arguments (--json)', args: ['fit', 'extra', '--data', 'air-passengers', '--model', 'naive', '--json'], code: 2, error: usage('fit', /too many arguments for 'fit'/) },
  { name: '--version', args: ['--version'], code: 0, stdout: new RegExp(`^${VERSION.replace(/\./g, '\\.')}\\n$`) },
  { name: '-V', args: ['-V'], code: 0, stdout: new RegExp(`^${VERSION.replace(/\./g, '\\.')}\\n$`) },
  { name: '--help', args: ['--help'], code: 0, stdout: /^Usage: ardiff \[options\] \[command\]/ },
  { name: 'a command\'s --help', args: ['diffusion', 'sample', '--help'], code: 0, stdout: /without --out it also holds the\s+samples/ },

  // 2. a folder or a missing file where an input file is expected.
  { name: '--data names a folder', args: ['fit', '--data', 'adir', '--model', 'naive', '--column', 'x', '--json'], code: 2, error: { type: 'DataError', argument: '--data', message: /'adir' is a folder/ } },
  { name: '--data names a missing file', args: ['fit', '--data', 'nope.csv', '--model', 'naive', '--column', 'x', '--json'], code: 2, error: { type: 'DataError', argument: '--data', message: /does not exist/ } },
  { name: 'diffusion train --dataset names a folder', args: ['diffusion', 'train', '--dataset', 'adir', '--out', 'never.json', '--json'], code: 2, error: { type: 'DataError', argument: '--dataset', message: /folder/ }, absent: ['never.json'] },
  { name: 'train gpt --text names a folder', args: ['train', 'gpt', '--text', 'adir', '--out', 'never.json', '--json'], code: 2, error: { type: 'DataError', argument: '--text', message: /folder/ }, absent: ['never.json'] },
  { name: 'diffusion sample --model names a folder', args: ['diffusion', 'sample', '--model', 'adir', '--json'], code: 2, error: { type: 'DataError', argument: '--model', message: /adir/ } },

  // 3. errors after the engine starts, and models too large for it: typed, exit 2, refused up front.
  { name: 'fit lstm --hidden 100000: refused before any work', args: ['fit', '--data', 'air-passengers', '--model', 'lstm', '--hidden', '100000', '--json'], code: 2, error: usage('--hidden', /too large.*4\.00 GiB the tensor engine can hold/), fast: true },
  { name: 'diffusion train --width 100000: refused before any work', args: ['diffusion', 'train', '--dataset', 'moons', '--width', '100000', '--out', 'never.json', '--json'], code: 2, error: usage('--width', /too large/), absent: ['never.json'], fast: true },
  { name: 'a library error after the engine started (--inference-steps beyond the schedule)', args: ['diffusion', 'sample', '--model', 'm.json', '--n', '2', '--inference-steps', '5000', '--json'], code: 2, error: usage('--inference-steps', /^--inference-steps \(5000\) cannot be larger/) },
  { name: 'the README\'s data/audio paths work outside the repository (bundled files by path, name or dataset:NAME)', args: ['diffusion', 'train', '--dataset', 'data/audio/speech-1.wav,speech-2.wav,dataset:speech-3.wav', '--steps', '1', '--channels', '8', '--out', 'speech.json', '--json'], code: 0, stdout: /"steps":1/ },
  { name: 'a U-Net width the group norm cannot split names --channels', args: ['diffusion', 'train', '--dataset', 'speech-1.wav', '--steps', '1', '--channels', '4', '--out', 'speech4.json', '--json'], code: 2, error: usage('--channels', /4 channels cannot be split into 8 group-norm groups/), absent: ['speech4.json'] },
  { name: 'dataset:NAME of a file that is not bundled lists the bundled ones', args: ['train', 'gpt', '--text', 'dataset:shakespeare.txt', '--out', 'g2.json', '--json'], code: 2, error: { type: 'DataError', argument: '--text', message: /no bundled text file 'shakespeare\.txt'; the bundled ones are tinyshakespeare\.txt/ }, fast: true },
  { name: 'a library error about the series names --column', args: ['fit', '--data', 'rows.csv', '--column', 'x', '--model', 'arima', '--order', '0,0,0', '--seasonal', '1,0,0,40', '--json'], code: 2, error: { type: 'DataError', argument: '--column', message: /too short for this model/ } },
  { name: 'library sampling errors name the flag: --eta', args: ['diffusion', 'sample', '--model', 'm.json', '--n', '2', '--eta', '2', '--json'], code: 2, error: usage('--eta', /^--eta must be a number in \[0, 1\]/) },
  { name: 'library sampling errors name the flag: --guidance on an unconditional model', args: ['diffusion', 'sample', '--model', 'm.json', '--n', '2', '--guidance', '3', '--json'], code: 2, error: usage('--guidance', /conditional model/) },
  { name: 'generate: a prompt outside the vocabulary names --unknown', args: ['generate', '--model', 'g.json', '--prompt', '你好', '--tokens', '3'], code: 2, stderr: /^error: --prompt: .*\(--unknown bytes\)/m },
  { name: 'generate --unknown bytes', args: ['generate', '--model', 'g.json', '--prompt', '你好', '--tokens', '3', '--unknown', 'bytes'], code: 0, stdout: /^你好/ },

  // 4. output paths: checked before the work, folders made, no output over an input, no partial files.
  { name: 'train --out into a missing folder: made', args: ['diffusion', 'train', '--dataset', 'moons', ...TINY, '--out', 'new/sub/m.json', '--json'], code: 0, check: (r) => {
    expect(JSON.parse(r.stdout).out).toBe('new/sub/m.json');
    expect(JSON.parse(readFileSync(at('new', 'sub', 'm.json'), 'utf8')).kind).toBe('diffusion');
  } },
  { name: 'train --out onto a folder', args: ['diffusion', 'train', '--dataset', 'moons', ...TINY, '--out', 'adir', '--json'], code: 2, error: usage('--out', /'adir' is a folder/), fast: true },
  { name: 'train --out ending in a slash', args: ['diffusion', 'train', '--dataset', 'moons', ...TINY, '--out', 'slash/', '--json'], code: 2, error: usage('--out', /is a folder/), absent: ['slash'], fast: true },
  { name: 'train --out under a file', args: ['diffusion', 'train', '--dataset', 'moons', ...TINY, '--out', 'afile.txt/m.json', '--json'], code: 2, error: usage('--out', /cannot create the folder of --out 'afile\.txt\/m\.json': '.*afile\.txt' is a file, not a folder/), fast: true },
  { name: 'train --out onto the --dataset file', args: ['diffusion', 'train', '--dataset', 'rows.csv', ...TINY.slice(2), '--out', 'rows.csv', '--json'], code: 2, error: usage('--out', /is the --dataset file/), fast: true },
  { name: 'train --out onto the --dataset file through a link', args: ['diffusion', 'train', '--dataset', 'rows.csv', ...TINY.slice(2), '--out', 'link.csv', '--json'], code: 2, error: usage('--out', /is the --dataset file/), fast: true },
  { name: 'train --out under /proc (mkdir -p there hangs)', args: ['diffusion', 'train', '--dataset', 'moons', ...TINY, '--out', '/proc/ardiff-contract/m.json', '--json'], code: 2, error: usage('--out', /'\/proc\/ardiff-contract\/m\.json' is under \/proc, a system folder/), fast: true },
  { name: 'train --checkpoint-every onto a folder', args: ['diffusion', 'train', '--dataset', 'moons', ...TINY, '--checkpoint-every', '2', '--out', 'ckdir/m.json', '--json'], code: 2, error: usage('--checkpoint-every', /m\.checkpoint\.json' is a folder/), absent: ['ckdir/m.json'], fast: true },
  { name: 'sample --out into a missing folder: made', args: ['diffusion', 'sample', '--model', 'm.json', '--n', '4', '--out', 'new2/s.csv'], code: 0, check: () => {
    expect(readFileSync(at('new2', 's.csv'), 'utf8').trim().split('\n')).toHaveLength(5);
  } },
  { name: 'sample --out onto the --model file', args: ['diffusion', 'sample', '--model', 'model-named.csv', '--n', '2', '--out', 'model-named.csv', '--json'], code: 2, error: usage('--out', /is the --model file/) },
  { name: 'sample --out onto a folder', args: ['diffusion', 'sample', '--model', 'm.json', '--n', '2', '--out', 'adir/', '--json'], code: 2, error: usage('--out', /adir/) },
  { name: 'demo --out names a file', args: ['demo', '--out', 'afile.txt'], code: 2, stderr: /^error: --out 'afile\.txt' is a file, not a folder/m, stdout: /^$/, fast: true },
  { name: 'fit --charts under a file', args: ['fit', '--data', 'macrodata', '--model', 'var', '--columns', 'realgdp,realcons', '--transform', 'dlog', '--lags', '1', '--charts', 'afile.txt/x', '--json'], code: 2, error: usage('--charts', /is a file, not a folder/) },
  { name: 'fit --charts under /dev', args: ['fit', '--data', 'macrodata', '--model', 'var', '--columns', 'realgdp,realcons', '--transform', 'dlog', '--lags', '1', '--charts', '/dev/ardiff-contract', '--json'], code: 2, error: usage('--charts', /under \/dev/) },

  // 5. sample --json without --out: the samples are in the JSON.
  { name: 'sample --json without --out prints the samples', args: ['diffusion', 'sample', '--model', 'm.json', '--n', '3', '--seed', '1', '--json'], code: 0, check: (r) => {
    const j = JSON.parse(r.stdout) as { n: number; columns: string[]; out: null; samples: number[][] };
    expect([j.n, j.columns, j.out]).toEqual([3, ['x', 'y'], null]);
    expect(j.samples).toHaveLength(3);
    for (const row of j.samples) expect(row.length === 2 && row.every(Number.isFinite)).toBe(true);
  } },

  // 6. flags the chosen model or data do not take.
  { name: '--order with auto-arima', args: ['fit', '--data', 'air-passengers', '--model', 'auto-arima', '--order', '1,1,1', '--json'], code: 2, error: usage('--order', /does not apply to --model auto-arima; it takes --seasonal-period/) },
  { name: '--lambda with arima', args: ['fit', '--data', 'air-passengers', '--model', 'arima', '--order', '0,1,1', '--lambda', '0.5', '--json'], code: 2, error: usage('--lambda', /does not apply to --model arima; it takes --order/) },
  { name: '--hidden with naive', args: [...FIT, '--hidden', '3', '--json'], code: 2, error: usage('--hidden', /does not apply to --model naive/) },
  { name: 'diffusion train moons --columns', args: ['diffusion', 'train', '--dataset', 'moons', ...TINY, '--columns', 'x', '--out', 'never.json', '--json'], code: 2, error: usage('--columns', /--dataset moons has none/), absent: ['never.json'] },
  { name: 'diffusion train --label-column without --conditional', args: ['diffusion', 'train', '--dataset', 'rows.csv', ...TINY.slice(2), '--label-column', 'y', '--out', 'never.json', '--json'], code: 2, error: usage('--label-column', /--conditional/), absent: ['never.json'] },
  { name: 'diffusion train moons --image-size', args: ['diffusion', 'train', '--dataset', 'moons', '--image-size', '14', '--out', 'never.json', '--json'], code: 2, error: usage('--image-size', /mnist/), absent: ['never.json'] },
  { name: 'diffusion sample --cols without a PNG', args: ['diffusion', 'sample', '--model', 'm.json', '--n', '2', '--cols', '3', '--json'], code: 2, error: usage('--cols', /PNG grid/) },
];

describe('ardiff CLI contract (real process)', () => {
  it.each(ROWS.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const r = ardiff(row.args, row.fast ? 30_000 : 60_000);
    const context = `ardiff ${row.args.join(' ')}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
    expect(r.code, context).toBe(row.code);
    // Never a stack trace or a Node crash banner.
    expect(r.stderr, context).not.toMatch(/^\s+at\s/m);
    expect(r.stderr, context).not.toMatch(/node:internal|Node\.js v\d/);
    if (row.code !== 0) {
      expect(r.stderr, context).toMatch(/^error: /m);
      if (row.args.includes('--json')) {
        const lines = r.stdout.trim().split('\n');
        expect(lines, context).toHaveLength(1);
        const j = JSON.parse(lines[0]) as { error: Record<string, unknown> };
        expect(Object.keys(j)).toEqual(['error']);
        expect(Object.keys(j.error).sort()).toEqual(['argument', 'message', 'type']);
        expect(typeof j.error.message).toBe('string');
        if (row.error) {
          expect(j.error.type, context).toBe(row.error.type);
          expect(j.error.argument, context).toBe(row.error.argument);
          expect(j.error.message, context).toMatch(row.error.message);
        }
      } else expect(r.stdout, context).toBe('');
    }
    if (row.stdout) expect(r.stdout, context).toMatch(row.stdout);
    if (row.stderr) expect(r.stderr, context).toMatch(row.stderr);
    for (const p of row.absent ?? []) expect(existsSync(at(p)), `${p} must not exist`).toBe(false);
    // Refused before any work: the time of a start-up, not of a training run (generous on a loaded machine).
    if (row.fast) expect(r.ms, context).toBeLessThan(15_000);
    row.check?.(r);
  });

  it('leaves no temporary or partial files, and keeps the inputs', () => {
    const tmp: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.name === 'pkg') continue;
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.tmp$/.test(e.name)) tmp.push(relative(work, p));
      }
    };
    walk(work);
    expect(tmp).toEqual([]);
    expect(readFileSync(at('rows.csv'), 'utf8').split('\n')[0]).toBe('x,y');
    expect(readFileSync(at('afile.txt'), 'utf8')).toBe('not a folder\n');
  });

  it('reports progress on stderr off a terminal: a line per ~10% and a line before the final evaluation', () => {
    expect(gptTrain.stderr).not.toMatch(/^\s+at\s/m);
    const lines = gptTrain.stderr.split('\n').filter((l) => l.startsWith('train gpt: '));
    expect(lines.filter((l) => /\d+\/10 steps/.test(l)).length).toBeGreaterThanOrEqual(5);
    expect(lines.some((l) => /\(100%/.test(l))).toBe(true);
    expect(lines[lines.length - 1]).toMatch(/evaluating on the validation set/);
  });

  it('backtest and impute report a line per model or column off a terminal, and nothing with --json', () => {
    const bt = ardiff(['backtest', '--data', 'air-passengers', '--models', 'naive,seasonal-naive', '--horizon', '12']);
    expect(bt.code, bt.stderr).toBe(0);
    expect(bt.stderr.split('\n').filter((l) => /^backtest: \d\/2 models \| (naive|seasonal-naive) \(/.test(l)).length).toBe(2);
    const quiet = ardiff(['backtest', '--data', 'air-passengers', '--models', 'naive,seasonal-naive', '--horizon', '12', '--json']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    writeFileSync(at('gaps.csv'), ['a,b', ...Array.from({ length: 60 }, (_, i) => `${i % 7 === 3 ? '' : Math.sin(i / 4)},${i % 5 === 1 ? 'NA' : Math.cos(i / 6)}`)].join('\n') + '\n');
    const imp = ardiff(['impute', '--data', 'gaps.csv', '--columns', 'a,b', '--model', 'linear', '--out', 'gaps-filled.csv']);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stderr.split('\n').filter((l) => /^impute: \d\/2 columns \| [ab] /.test(l)).length).toBe(2);
    expect(ardiff(['impute', '--data', 'gaps.csv', '--columns', 'a,b', '--model', 'linear', '--out', 'gaps-filled.csv', '--json']).stderr).toBe('');
  });
});
