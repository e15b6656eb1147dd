/**
 * The local server of `ardiff studio`: serves the built page (dist/studio), the bundled data sets,
 * the user's CSV file (--data) and the tensor engine's WebAssembly files, on loopback by default.
 * It holds no model logic: the page's Web Worker runs the library in the browser.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArgumentError, DataError, ServiceError } from '../core/errors.js';
import { DATASETS } from '../core/series.js';
import { dataPath, readTextFile } from './data.js';

export interface StudioOptions {
  /** Port to listen on (default 5173; 0 picks a free one). */
  port?: number;
  /** Address to listen on (default 127.0.0.1: this machine only). */
  host?: string;
  /** A CSV file offered in the page as the first data set. */
  data?: string;
}

export interface StudioServer {
  /** The page's address. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json', '.csv': 'text/csv; charset=utf-8', '.wasm': 'application/wasm' };

/** The folder of the built page (dist/studio, beside this module's dist/node). */
export function studioRoot(): string {
  return fileURLToPath(new URL('../studio/', import.meta.url));
}

function wasmRoot(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

/** A file under `root` named by a URL path, or null when the path leaves the folder or names none. */
function fileUnder(root: string, urlPath: string): string | null {
  const path = normalize(join(root, decodeURIComponent(urlPath)));
  if (!path.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  return existsSync(path) && statSync(path).isFile() ? path : null;
}

/** Starts the studio's server; resolves once it listens. */
export async function startStudio(options: StudioOptions = {}): Promise<StudioServer> {
  const port = options.port ?? 5173, host = options.host ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ArgumentError(`port must be an integer from 0 to 65535, got ${port}`, 'port');
  const root = studioRoot();
  if (!existsSync(join(root, 'index.html'))) throw new DataError(`the studio page is not built (${root} has no index.html); run npm run build`, 'studio');
  let user: { name: string; path: string } | null = null;
  if (options.data !== undefined) {
    readTextFile(options.data, 'data', 'CSV file');
    user = { name: basename(options.data), path: options.data };
  }
  const wasm = wasmRoot();
  const datasets = [
    ...(user ? [{ name: user.name, file: 'user.csv', column: '', frequency: 1, description: 'your file (--data)' }] : []),
    ...DATASETS.map((d) => ({ name: d.name, file: d.file, column: d.column, frequency: d.frequency, description: d.description })),
  ];

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  // Only this machine's names (and the address given) may reach the page: a web page that
  // rebinds its own name to 127.0.0.1 (DNS rebinding) must not read the user's --data file.
  const allowedHosts = new Set(['localhost', '127.0.0.1', '[::1]', host.includes(':') ? `[${host}]` : host]);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    try {
      const hostName = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
      if (!allowedHosts.has(hostName)) return send(res, 403, 'text/plain', `host '${hostName}' is not this studio; open it at 127.0.0.1 or localhost`);
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'only GET');
      if (path === '/favicon.ico') { res.writeHead(204).end(); return; }
      if (path === '/api/datasets') return send(res, 200, TYPES['.json'], JSON.stringify({ datasets, default: user ? user.name : 'air-passengers' }));
      if (path === '/data/text/tinyshakespeare.txt') return send(res, 200, 'text/plain; charset=utf-8', readFileSync(dataPath('text/tinyshakespeare.txt')));
      if (path === '/data/models/digits14.json' || path === '/data/models/text2image14.json') return send(res, 200, TYPES['.json'], readFileSync(dataPath(path.slice('/data/'.length))));
      if (path === '/data/user.csv' && user) return send(res, 200, TYPES['.csv'], readFileSync(user.path));
      if (path.startsWith('/data/')) {
        const ds = DATASETS.find((d) => `/data/${d.file}` === path);
        return ds ? send(res, 200, TYPES['.csv'], readFileSync(dataPath(ds.file))) : send(res, 404, 'text/plain', 'no such data set');
      }
      if (path.startsWith('/wasm/')) {
        const file = path.endsWith('.wasm') ? fileUnder(wasm, path.slice('/wasm/'.length)) : null;
        return file ? send(res, 200, TYPES['.wasm'], readFileSync(file)) : send(res, 404, 'text/plain', 'no such file');
      }
      const file = fileUnder(root, path === '/' ? 'index.html' : path.slice(1));
      if (!file) return send(res, 404, 'text/plain', 'not found');
      return send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file));
    } catch (e) {
      return send(res, 500, 'text/plain', (e as Error).message);
    }
  };

  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'EADDRINUSE' ? new ArgumentError(`port ${port} is in use; choose another with --port (0 picks a free one)`, 'port')
        : e.code === 'EACCES' ? new ArgumentError(`port ${port} needs privileges; choose one above 1023`, 'port')
          : e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' ? new ArgumentError(`cannot listen on '${host}' (${e.code}); use 127.0.0.1 or an address of this machine`, 'host')
            : new ServiceError(`the studio server could not start: ${e.message}`, 'port'));
    });
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as { port: number }).port;
  // The address a browser opens: the loopback one for a wildcard address.
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${actual}/`, port: actual,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
