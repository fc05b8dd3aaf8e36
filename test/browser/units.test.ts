// The dashboard of a real project in Chromium: units and their states, a restart from the page
// (a new pid, the state back up, the events in the timeline), and down from the page after its
// confirm dialog.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newPage, pageErrors, skipBrowser } from './chromium.js';
import { timelineSeqs, unitRow, waitAttr, waitText, waitTitle } from './dom.js';
import { IDLE, psUnits, startProject } from './project.js';

const UP = /^(running|ready)$/;

const SPEC = `version: 1
processes:
  api:
    command: ${IDLE}
  worker:
    command: ${IDLE}
    depends_on: [api]
`;

describe('the dashboard in a browser: units', { skip: skipBrowser() }, () => {
  it('shows the units and their states; a restart from the page gives a new pid and new events', async (t) => {
    const { proj, url } = await startProject(t, SPEC);
    const page = await newPage();
    await page.goto(url);
    await waitAttr(page, '#connection', 'data-state', /^connected$/);
    for (const unit of ['api', 'worker']) await waitText(page, `tr[data-unit="${unit}"] td[data-field="state"]`, /running|ready/);
    await waitTitle(page, /^✔ .* · procs$/);
    // The page shows what `procs ps` shows.
    const before = await psUnits(proj);
    const apiPid = String(before.find((u) => u.name === 'api')?.pid);
    await waitText(page, 'tr[data-unit="api"] td[data-field="pid"]', new RegExp(`^\\s*${apiPid}\\s*$`));
    await waitText(page, '[data-count="running"], [data-count="ready"]', /^\s*2\s*$/);
    const seqsBefore = await timelineSeqs(page);
    assert.ok(seqsBefore.length > 0, 'the timeline shows the run so far');

    await page.locator('tr[data-unit="api"] button[data-action="restart"]').click();
    await waitText(page, 'tr[data-unit="api"] td[data-field="pid"]', new RegExp(`^\\s*(?!${apiPid}\\s*$)\\d+\\s*$`));
    await waitText(page, 'tr[data-unit="api"] td[data-field="state"]', /running|ready/);
    const row = await unitRow(page, 'api');
    assert.match(row.state, UP);
    const after = await psUnits(proj);
    assert.equal(row.pid, String(after.find((u) => u.name === 'api')?.pid), 'the new pid is the one procs ps shows');
    assert.notEqual(row.pid, apiPid);

    // The restart's events came in: newer seqs than any shown before, the new spawn among them.
    const newest = Math.max(...seqsBefore);
    await waitText(page, '#timeline li[data-seq]', /api/);
    const seqsAfter = await timelineSeqs(page);
    assert.ok(
      seqsAfter.some((s) => s > newest),
      `new events in the timeline: ${JSON.stringify(seqsAfter)}`,
    );
    const spawnTexts = await page.locator('#timeline li[data-seq]', { hasText: 'spawn' }).allTextContents();
    assert.ok(spawnTexts.filter((text) => text.includes('api')).length >= 2, `two spawns of api: ${JSON.stringify(spawnTexts)}`);
    assert.equal(new Set(seqsAfter).size, seqsAfter.length, 'no event shown twice');
    assert.deepEqual(pageErrors, []);
  });

  it('brings the project down from the page, after its confirm dialog', async (t) => {
    const { proj, url } = await startProject(t, SPEC);
    const page = await newPage();
    await page.goto(url);
    await waitText(page, 'tr[data-unit="api"] td[data-field="state"]', /running|ready/);

    // Cancel first: nothing happens.
    await page.locator('button[data-action="down"]').click();
    await page.locator('dialog#confirm-down').waitFor({ state: 'visible' });
    await page.locator('dialog#confirm-down button[data-action="cancel"]').click();
    await page.locator('dialog#confirm-down').waitFor({ state: 'hidden' });
    assert.deepEqual(
      (await psUnits(proj)).map((u) => u.state).filter((s) => !UP.test(s)),
      [],
    );

    await page.locator('button[data-action="down"]').click();
    await page.locator('dialog#confirm-down button[data-action="confirm-down"]').click();
    await waitAttr(page, '#connection', 'data-state', /^disconnected$/);
    await waitTitle(page, /disconnected/);
    const ps = await proj.run(['ps']);
    assert.notEqual(ps.code, 0, `procs ps still finds the project:\n${ps.stdout}`);
    assert.deepEqual(pageErrors, []);
  });

  it('shows the graph, and what a pending unit waits on, in the title and icon too', async (t) => {
    const spec = `version: 1
processes:
  gate:
    command: ${IDLE}
    health:
      readiness: { log: "never printed" }
  app:
    command: ${IDLE}
    depends_on: { gate: healthy }
`;
    const { url } = await startProject(t, spec, { wait: false });
    const page = await newPage();
    await page.goto(url);
    await waitText(page, 'tr[data-unit="app"] td[data-field="state"]', /pending/);
    await waitAttr(page, '#graph [data-node="app"]', 'data-state', /^pending$/);
    await waitAttr(page, '#graph [data-node="app"] [data-waits]', 'data-waits', /^gate$/);
    assert.match((await page.locator('#graph [data-node="app"] [data-waits]').textContent()) ?? '', /gate/);
    await waitAttr(page, '#graph [data-node="gate"]', 'data-state', /./);
    await waitTitle(page, /^… .* · procs$/);
    await waitAttr(page, 'link[rel="icon"]', 'href', /icon-starting\.svg$/);
    await waitText(page, '[data-count="pending"]', /^\s*1\s*$/);
    assert.deepEqual(pageErrors, []);
  });
});
