// Launching the Chromium the browser tests drive: Debian's (/usr/bin/chromium, which .ci/run
// installs), or the one PROCS_CHROMIUM names, through playwright-core (which downloads nothing).
// Without a Chromium the tests are skipped on a developer's machine, but fail in CI (CI set),
// where a missing browser is a broken setup, not a reason to test less.
import { existsSync } from 'node:fs';
import { after } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** The Chromium to launch: PROCS_CHROMIUM, else Debian's path. */
export function chromiumPath(): string {
  const chosen = process.env.PROCS_CHROMIUM;
  return chosen !== undefined && chosen !== '' ? chosen : DEFAULT_CHROMIUM;
}

/**
 * Why the browser tests are skipped here, or false when they run: only when there is no Chromium
 * and CI is not set. In CI they run (and fail at launch, saying why, when Chromium is missing).
 */
export function skipBrowser(): string | false {
  if (existsSync(chromiumPath())) return false;
  if (process.env.CI !== undefined && process.env.CI !== '') return false;
  return `no Chromium at ${chromiumPath()} (apt-get install chromium, or set PROCS_CHROMIUM)`;
}

let shared: Promise<Browser> | undefined;

/** One headless Chromium per test file, closed after the file's tests. */
export function browser(): Promise<Browser> {
  if (shared !== undefined) return shared;
  const path = chromiumPath();
  if (!existsSync(path)) {
    return Promise.reject(new Error(`no Chromium at ${path}: the browser tests need it (.ci/run installs Debian's chromium; PROCS_CHROMIUM names another)`));
  }
  // As root, Chromium refuses to start its sandbox.
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  shared = chromium.launch({ executablePath: path, headless: true, args });
  return shared;
}

after(async () => {
  if (shared === undefined) return;
  const b = await shared.catch(() => undefined);
  await b?.close();
});

/** A fresh context (cookies of its own) and page; closed when the test file ends. */
export async function newPage(viewport = { width: 1280, height: 860 }): Promise<Page> {
  const context: BrowserContext = await (await browser()).newContext({ viewport });
  const page = await context.newPage();
  // Errors in the page fail the test that caused them, with the page's own words.
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return page;
}

/** Uncaught errors thrown by the pages' scripts, in order. */
export const pageErrors: string[] = [];
