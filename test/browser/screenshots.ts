// `npm run screenshots`: the dashboard's main views saved as docs/dashboard-*.png, for the README.
// A small example project started with the real CLI; each view is waited for on the DOM before
// its picture is taken. Not part of the test suites (its file name has no `.test`).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/cli.js';
import { newPage, skipBrowser } from './chromium.js';
import { waitAttr, waitText } from './dom.js';
import { fixture, IDLE, startProject, withQuery } from './project.js';

const DOCS = join(ROOT, 'docs');

// A web app's usual shape: a database, an API that waits for it, a pool of workers, a step run
// once, and a chatty unit whose log has colours and errors.
const LOGGER = `[${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(
  "let i = 0; setInterval(() => { i++; const l = i % 7 === 0 ? '\\u001b[31merror\\u001b[0m job ' + i + ' failed: timeout' : '\\u001b[32minfo\\u001b[0m job ' + i + ' done in ' + (i * 37) % 900 + ' ms'; (i % 7 === 0 ? console.error : console.log)(l); }, 150)",
)}]`;

const SPEC = `version: 1
name: shop
processes:
  db:
    command: ${IDLE}
  migrate:
    command: ${fixture('lines.js', 3, 'applied migration ')}
    restart: never
    depends_on: [db]
  api:
    command: ${IDLE}
    depends_on: { db: started, migrate: completed }
  jobs:
    command: ${LOGGER}
    depends_on: [api]
pools:
  worker:
    command: ${IDLE}
    replicas: 2
    depends_on: [api]
`;

describe('screenshots of the dashboard', { skip: skipBrowser() }, () => {
  it('saves the units and graph, the logs with a filter, and a scaled pool', async (t) => {
    const { url } = await startProject(t, SPEC);
    const page = await newPage({ width: 1600, height: 900 });

    await page.goto(url);
    await waitAttr(page, '#connection', 'data-state', /^connected$/);
    for (const unit of ['db', 'api', 'jobs', 'worker.0', 'worker.1']) await waitText(page, `tr[data-unit="${unit}"] td[data-field="state"]`, /running|ready/);
    await page.locator('#graph [data-node="api"]').waitFor();
    await page.screenshot({ path: join(DOCS, 'dashboard-units.png'), fullPage: true });

    await page.goto(withQuery(url, { logs: 'jobs', q: '/error|failed/' }));
    await waitAttr(page, '#logs', 'data-unit', /^jobs$/);
    await page.locator('#logs .line.stderr').nth(2).waitFor();
    await page.locator('#logs').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(DOCS, 'dashboard-logs.png'), fullPage: true });

    await page.goto(url);
    const pool = page.locator('[data-pool="worker"]');
    await pool.locator('input[data-scale="worker"]').fill('4');
    await pool.locator('button[data-action="scale"]').click();
    await waitText(page, 'tr[data-unit="worker.3"] td[data-field="state"]', /running|ready/);
    await waitText(page, '[data-pool="worker"] [data-field="size"]', /^\s*4\s*$/);
    await pool.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(DOCS, 'dashboard-pool.png'), fullPage: true });
    assert.ok(true);
  });
});
