// Following a fast printer in Chromium: 50,000 numbered lines at about 10,000 a second, started
// once the page is open. The pane takes in every line; the lines in the DOM are consecutive and
// end at the last; scrolling up pages older lines back in until the first, none lost or moved.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { newPage, pageErrors, skipBrowser } from './chromium.js';
import { waitAttr, type El, type Win } from './dom.js';
import { fixture, IDLE, startProject, withQuery } from './project.js';

const N = 50_000;

const SPEC = `version: 1
processes:
  idle:
    command: ${IDLE}
  printer:
    command: ${fixture('fast-lines.js', N, 10_000, 'fast ')}
    restart: never
    enabled: false
`;

/** The numbers of the printer's lines in the DOM, in order (the `done` line left out). */
async function numbersShown(page: Page): Promise<number[]> {
  const texts = await page.locator('#logs .line[data-unit="printer"]').evaluateAll((els) => els.map((e) => (e as unknown as El).textContent ?? ''));
  return texts.filter((t) => t.trim() !== 'fast done').map((t) => Number(/^fast (\d+)$/.exec(t.trim())?.[1] ?? NaN));
}

/** Fails unless `nums` are whole numbers each one more than the one before; `log` says what the page asked /api/logs. */
function assertConsecutive(nums: readonly number[], what: string, log: readonly string[] = []): void {
  nums.forEach((n, i) => {
    const context = () =>
      `${what}: line ${i} is ${n} after ${nums[i - 1]} (shown from ${nums.slice(0, 4).join(', ')}…); the last pages asked:\n${log.slice(-6).join('\n')}`;
    assert.ok(Number.isInteger(n), context());
    if (i > 0) assert.equal(n, nums[i - 1]! + 1, context());
  });
}

/** Each answer of /api/logs the page gets, in a line: the query, how many lines, the first and last. */
function recordLogPages(page: Page): string[] {
  const log: string[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname === '/api/logs') log.push(`asked ${url.search}`);
  });
  page.on('response', (res) => {
    const url = new URL(res.url());
    if (url.pathname !== '/api/logs') return;
    void res
      .json()
      .then((body: { lines: { ts: string; text: string }[]; more: boolean }) => {
        const [first, last] = [body.lines[0], body.lines.at(-1)];
        log.push(`${url.search} → ${body.lines.length} lines, ${first?.text} (${first?.ts}) … ${last?.text} (${last?.ts}), more: ${body.more}`);
      })
      .catch(() => undefined);
  });
  return log;
}

/** The first number the pane shows, once it is below `than` (older lines paged in). */
async function waitFirstBelow(page: Page, than: number): Promise<void> {
  await page.waitForFunction(
    (limit) => {
      const first = (globalThis as unknown as Win).document.querySelector('#logs .line[data-unit="printer"]');
      const m = /^fast (\d+)$/.exec((first?.textContent ?? '').trim());
      return m !== null && Number(m[1]) < limit;
    },
    than,
    { timeout: 30_000 },
  );
}

describe('the dashboard in a browser: following a fast printer', { skip: skipBrowser() }, () => {
  it('takes in 50,000 lines at 10,000 a second and pages every one back in order', async (t) => {
    const { proj, url } = await startProject(t, SPEC);
    const page = await newPage();
    const asked = recordLogPages(page);
    await page.goto(withQuery(url, { logs: 'printer' }));
    await waitAttr(page, '#connection', 'data-state', /^connected$/);
    await waitAttr(page, '#logs', 'data-unit', /^printer$/);
    await waitAttr(page, '#logs', 'data-following', /^true$/);

    const started = await proj.run(['start', 'printer']);
    assert.equal(started.code, 0, started.stderr);
    // Every line and the closing `done`.
    await waitAttr(page, '#logs', 'data-received', new RegExp(`^${N + 1}$`), 120_000);
    await page.locator('#logs .line[data-unit="printer"]', { hasText: /^fast done$/ }).waitFor();
    assert.equal(await page.locator('#logs').getAttribute('data-following'), 'true');
    const tail = await numbersShown(page);
    assert.ok(tail.length > 0);
    assertConsecutive(tail, 'the followed tail');
    assert.equal(tail.at(-1), N - 1, 'the tail ends at the last line');

    // Scroll up until line 0 (the wheel, as a user does; every other time the #older button):
    // each page of older lines joins on without a gap.
    const seen = new Set<number>(tail);
    let first = tail[0]!;
    for (let turn = 0; first > 0; turn++) {
      if (turn % 2 === 1) {
        await page.locator('#older').click();
      } else {
        await page.locator('#logs .line').first().hover();
        await page.mouse.wheel(0, -100_000);
      }
      await waitFirstBelow(page, first);
      const nums = await numbersShown(page);
      assertConsecutive(nums, `after scrolling up from ${first}`, asked);
      for (const n of nums) seen.add(n);
      first = nums[0]!;
    }
    assert.equal(await page.locator('#logs').getAttribute('data-following'), 'false', 'scrolling up stops the follow');
    assert.equal(seen.size, N, 'every line was shown');
    for (let i = 0; i < N; i++) assert.ok(seen.has(i), `line ${i} was never shown`);

    // The follow resumes with its button: back to the end.
    await page.locator('button#follow').click();
    await waitAttr(page, '#logs', 'data-following', /^true$/);
    await page.locator('#logs .line[data-unit="printer"]', { hasText: /^fast done$/ }).waitFor();
    const resumed = await numbersShown(page);
    assertConsecutive(resumed, 'after resuming the follow');
    assert.equal(resumed.at(-1), N - 1);
    assert.deepEqual(pageErrors, []);
  });
});
