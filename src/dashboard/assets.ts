// The page's files: `index.html` and `assets/NAME` from the folder the build writes the page into
// (dist/bin/dashboard). Only the names found in that folder when the dashboard started are
// served: no path from the request ever reaches the file system.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export class Assets {
  readonly #dir: string;
  /** The files of the folder, by name; undefined when the folder cannot be read. */
  readonly #names: ReadonlySet<string> | undefined;

  constructor(dir: string) {
    this.#dir = dir;
    try {
      this.#names = new Set(
        readdirSync(dir, { withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => e.name),
      );
    } catch {
      this.#names = undefined;
    }
  }

  /** Answers `/` with the page; 500 saying so when the page was not built. */
  async page(res: ServerResponse): Promise<void> {
    if (this.#names === undefined || !this.#names.has('index.html')) {
      const text = `procs: the dashboard's page is not in ${this.#dir} (build it: npm run build)\n`;
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    await this.#send(res, 'index.html', 'no-store');
  }

  /** Answers `/assets/NAME`; false when there is no such file (the caller answers 404). */
  async asset(res: ServerResponse, name: string): Promise<boolean> {
    if (this.#names === undefined || !this.#names.has(name)) return false;
    await this.#send(res, name, name.endsWith('.html') ? 'no-store' : 'no-cache');
    return true;
  }

  async #send(res: ServerResponse, name: string, cache: string): Promise<void> {
    const body = await readFile(join(this.#dir, name));
    res.writeHead(200, {
      'content-type': TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream',
      'cache-control': cache,
      'content-length': body.length,
    });
    res.end(body);
  }
}
