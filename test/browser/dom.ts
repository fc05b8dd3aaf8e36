// Waiting on the dashboard page's DOM (the contract in src/dashboard/protocol.ts's page notes):
// conditions checked in the page at each animation frame by playwright, never fixed sleeps. The
// functions given to the page run there, so they reach `document` through globalThis and the
// few DOM shapes below (the project's TypeScript has no DOM library).
import type { Page } from 'playwright-core';

/** The little of the DOM the checks read. */
export interface El {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El>;
}
export interface Win {
  readonly document: El & { readonly title: string };
  readonly location: { readonly href: string };
}

const DEFAULT_TIMEOUT = 30_000;

/** What `selector` shows now (text of each match, trimmed), for error messages. */
async function shown(page: Page, selector: string): Promise<string> {
  const texts = await page
    .locator(selector)
    .allTextContents()
    .catch(() => []);
  return texts.length === 0 ? `nothing matches ${selector}` : `${selector} shows ${JSON.stringify(texts.slice(0, 20).map((t) => t.trim()))}`;
}

/** Waits until the text of the first element matching `selector` matches `re`. */
export async function waitText(page: Page, selector: string, re: RegExp, timeout = DEFAULT_TIMEOUT): Promise<string> {
  try {
    await page.waitForFunction(
      ({ sel, source, flags }) => {
        const el = (globalThis as unknown as Win).document.querySelector(sel);
        return el !== null && new RegExp(source, flags).test(el.textContent ?? '');
      },
      { sel: selector, source: re.source, flags: re.flags },
      { timeout },
    );
  } catch (err) {
    throw new Error(`waiting for ${selector} to match ${re}: ${await shown(page, selector)}`, { cause: err });
  }
  return ((await page.locator(selector).first().textContent()) ?? '').trim();
}

/** Waits until attribute `name` of the first element matching `selector` matches `re`. */
export async function waitAttr(page: Page, selector: string, name: string, re: RegExp, timeout = DEFAULT_TIMEOUT): Promise<string> {
  try {
    await page.waitForFunction(
      ({ sel, attr, source, flags }) => {
        const el = (globalThis as unknown as Win).document.querySelector(sel);
        const value = el?.getAttribute(attr);
        return value !== null && value !== undefined && new RegExp(source, flags).test(value);
      },
      { sel: selector, attr: name, source: re.source, flags: re.flags },
      { timeout },
    );
  } catch (err) {
    const now = await page
      .locator(selector)
      .first()
      .getAttribute(name, { timeout: 1000 })
      .catch(() => 'no such element');
    throw new Error(`waiting for ${selector}[${name}] to match ${re}, it is ${JSON.stringify(now)}`, { cause: err });
  }
  return (await page.locator(selector).first().getAttribute(name)) ?? '';
}

/** Waits until the document's title matches `re`. */
export async function waitTitle(page: Page, re: RegExp, timeout = DEFAULT_TIMEOUT): Promise<string> {
  try {
    await page.waitForFunction(
      ({ source, flags }) => new RegExp(source, flags).test((globalThis as unknown as Win).document.title),
      { source: re.source, flags: re.flags },
      { timeout },
    );
  } catch (err) {
    throw new Error(`waiting for the title to match ${re}, it is ${JSON.stringify(await page.title())}`, { cause: err });
  }
  return page.title();
}

/** Waits until the elements matching `selector` are exactly `expected` (their trimmed texts, in order). */
export async function waitTexts(page: Page, selector: string, expected: readonly string[], timeout = DEFAULT_TIMEOUT): Promise<void> {
  try {
    await page.waitForFunction(
      ({ sel, want }) => {
        const all = Array.from((globalThis as unknown as Win).document.querySelectorAll(sel), (e) => (e.textContent ?? '').trim());
        return all.length === want.length && all.every((t, i) => t === want[i]);
      },
      { sel: selector, want: expected },
      { timeout },
    );
  } catch (err) {
    throw new Error(`waiting for ${selector} to be ${JSON.stringify(expected)}: ${await shown(page, selector)}`, { cause: err });
  }
}

/** The state and pid a unit's row shows. */
export async function unitRow(page: Page, unit: string): Promise<{ state: string; pid: string }> {
  const row = page.locator(`tr[data-unit="${unit}"]`);
  const cell = async (field: string): Promise<string> => ((await row.locator(`td[data-field="${field}"]`).textContent()) ?? '').trim();
  return { state: await cell('state'), pid: await cell('pid') };
}

/** The seq of every event the timeline shows, as numbers, in the page's order. */
export async function timelineSeqs(page: Page): Promise<number[]> {
  const seqs = await page.locator('#timeline li[data-seq]').evaluateAll((els) => els.map((e) => (e as unknown as El).getAttribute('data-seq') ?? ''));
  return seqs.map(Number);
}
