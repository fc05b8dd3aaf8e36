// Filtering the dashboard's logs by a regular expression in Chromium: only the matching lines are
// shown, the filter is kept in the URL, and opening that URL again shows the same view.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newPage, pageErrors, skipBrowser } from './chromium.js';
import { waitAttr, waitTexts } from './dom.js';
import { fixture, IDLE, startProject } from './project.js';

const SPEC = `version: 1
processes:
  alpha:
    command: ${fixture('lines.js', 30, 'alpha ')}
    restart: never
  beta:
    command: ${fixture('lines.js', 30, 'beta ', 'stderr')}
    restart: never
  idle:
    command: ${IDLE}
`;

describe('the dashboard in a browser: log filter', { skip: skipBrowser() }, () => {
  it('shows only the lines a /regex/ matches, and keeps the filter in the URL', async (t) => {
    const { url } = await startProject(t, SPEC);
    const page = await newPage();
    await page.goto(url);
    await waitAttr(page, '#logs', 'data-unit', /^\*$/);
    await waitAttr(page, '#logs', 'data-received', /^60$/);

    const filter = '/^(alpha 7|alpha 1[0-2]|beta 2\\d)$/';
    await page.locator('#log-filter').fill(filter);
    const alpha = ['alpha 7', 'alpha 10', 'alpha 11', 'alpha 12'];
    const beta = ['beta 20', 'beta 21', 'beta 22', 'beta 23', 'beta 24', 'beta 25', 'beta 26', 'beta 27', 'beta 28', 'beta 29'];
    // Both units ran at once: their lines interleave in the pane, each unit's in its order.
    const shown = async (unit: string): Promise<string[]> => (await page.locator(`#logs .line[data-unit="${unit}"]`).allTextContents()).map((s) => s.trim());
    await waitTexts(page, '#logs .line[data-unit="alpha"]', alpha);
    await waitTexts(page, '#logs .line[data-unit="beta"]', beta);
    assert.equal(await page.locator('#logs .line').count(), alpha.length + beta.length, 'no other line shown');
    // stderr lines are marked.
    assert.equal(await page.locator('#logs .line.stderr[data-stream="stderr"]').count(), beta.length);

    const linked = new URL(page.url());
    assert.equal(linked.searchParams.get('q'), filter);
    assert.equal(linked.searchParams.get('token'), null, 'the token is not left in the URL');

    // The same URL opened again: the same filter, the same lines.
    await page.goto(linked.toString());
    assert.equal(await page.locator('#log-filter').inputValue(), filter);
    await waitTexts(page, '#logs .line[data-unit="alpha"]', alpha);
    await waitTexts(page, '#logs .line[data-unit="beta"]', beta);
    assert.deepEqual(await shown('alpha'), alpha);

    // A plain text filter is not a regular expression: the dot is a dot.
    await page.locator('#log-filter').fill('alpha 2.');
    await waitTexts(page, '#logs .line', []);
    await page.locator('#log-filter').fill('alpha 2');
    await waitTexts(page, '#logs .line', [
      'alpha 2',
      'alpha 20',
      'alpha 21',
      'alpha 22',
      'alpha 23',
      'alpha 24',
      'alpha 25',
      'alpha 26',
      'alpha 27',
      'alpha 28',
      'alpha 29',
    ]);
    assert.equal(new URL(page.url()).searchParams.get('q'), 'alpha 2');
    assert.deepEqual(pageErrors, []);
  });
});
