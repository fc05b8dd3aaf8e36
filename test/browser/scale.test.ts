// Scaling a pool from the dashboard in Chromium: the new instances appear with their rows, the
// pool's size and instance list change, and procs ps agrees.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newPage, pageErrors, skipBrowser } from './chromium.js';
import { waitAttr, waitText } from './dom.js';
import { IDLE, psUnits, startProject } from './project.js';

const SPEC = `version: 1
processes:
  api:
    command: ${IDLE}
pools:
  web:
    command: ${IDLE}
    replicas: 2
`;

describe('the dashboard in a browser: pools', { skip: skipBrowser() }, () => {
  it('scales a pool from the page: the new instances appear and the size changes', async (t) => {
    const { proj, url } = await startProject(t, SPEC);
    const page = await newPage();
    await page.goto(url);
    await waitAttr(page, '#connection', 'data-state', /^connected$/);
    const pool = page.locator('[data-pool="web"]');
    await waitText(page, '[data-pool="web"] [data-field="size"]', /^\s*2\s*$/);
    for (const unit of ['web.0', 'web.1']) await waitText(page, `tr[data-unit="${unit}"] td[data-field="state"]`, /running|ready/);
    assert.equal(await page.locator('tr[data-unit="web.2"]').count(), 0);

    await pool.locator('input[data-scale="web"]').fill('4');
    await pool.locator('button[data-action="scale"]').click();
    for (const unit of ['web.2', 'web.3']) await waitText(page, `tr[data-unit="${unit}"] td[data-field="state"]`, /running|ready/);
    await waitText(page, '[data-pool="web"] [data-field="size"]', /^\s*4\s*$/);
    const instances = (await pool.locator('[data-field="instances"]').textContent()) ?? '';
    for (const unit of ['web.0', 'web.1', 'web.2', 'web.3']) assert.ok(instances.includes(unit), `${unit} in ${JSON.stringify(instances)}`);
    const ps = await psUnits(proj);
    assert.deepEqual(
      ps
        .map((u) => u.name)
        .filter((n) => n.startsWith('web.'))
        .sort(),
      ['web.0', 'web.1', 'web.2', 'web.3'],
    );

    // And back down: the rows of the instances let go leave the table.
    await pool.locator('input[data-scale="web"]').fill('1');
    await pool.locator('button[data-action="scale"]').click();
    await waitText(page, '[data-pool="web"] [data-field="size"]', /^\s*1\s*$/);
    await page.locator('tr[data-unit="web.1"]').waitFor({ state: 'detached' });
    await page.locator('tr[data-unit="web.3"]').waitFor({ state: 'detached' });
    assert.deepEqual(pageErrors, []);
  });
});
