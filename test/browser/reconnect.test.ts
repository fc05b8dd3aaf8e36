// The dashboard when its project stops and starts again, in Chromium: the page says it is
// disconnected (indicator, title, icon), then, the project up again on the same port and token,
// connects by itself, shows the new run's states, and shows no event twice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newPage, pageErrors, skipBrowser } from './chromium.js';
import { timelineSeqs, waitAttr, waitText, waitTitle } from './dom.js';
import { dashboardUrl, IDLE, psUnits, startProject } from './project.js';

const SPEC = `version: 1
processes:
  api:
    command: ${IDLE}
  worker:
    command: ${IDLE}
`;

describe('the dashboard in a browser: reconnecting', { skip: skipBrowser() }, () => {
  it('says disconnected when the daemon goes, and resumes when it is back, no event repeated', async (t) => {
    const { proj, url } = await startProject(t, SPEC);
    const page = await newPage();
    await page.goto(url);
    await waitAttr(page, '#connection', 'data-state', /^connected$/);
    await waitText(page, 'tr[data-unit="api"] td[data-field="state"]', /running|ready/);
    await waitTitle(page, /^✔ .* · procs$/);
    const firstPid = String((await psUnits(proj)).find((u) => u.name === 'api')?.pid);

    const down = await proj.run(['down']);
    assert.equal(down.code, 0, down.stderr);
    await waitAttr(page, '#connection', 'data-state', /^disconnected$/);
    await waitTitle(page, /^disconnected · .* · procs$/);
    await waitAttr(page, 'link[rel="icon"]', 'href', /icon-disconnected\.svg$/);

    const up = await proj.run(['up', '-d', '--wait']);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(await dashboardUrl(proj), url, 'the same port and token as before');
    const secondPid = String((await psUnits(proj)).find((u) => u.name === 'api')?.pid);
    assert.notEqual(secondPid, firstPid);

    await waitAttr(page, '#connection', 'data-state', /^connected$/, 60_000);
    await waitTitle(page, /^✔ .* · procs$/);
    await waitAttr(page, 'link[rel="icon"]', 'href', /icon-ok\.svg$/);
    await waitText(page, 'tr[data-unit="api"] td[data-field="pid"]', new RegExp(`^\\s*${secondPid}\\s*$`));
    await waitText(page, 'tr[data-unit="worker"] td[data-field="state"]', /running|ready/);
    // The new run's events are shown: the new spawn of api among them.
    await page.locator('#timeline li[data-seq]', { hasText: new RegExp(`\\bapi\\b.*\\b${secondPid}\\b`) }).waitFor();
    const seqs = await timelineSeqs(page);
    assert.ok(seqs.length > 0);
    assert.equal(new Set(seqs).size, seqs.length, `an event shown twice: ${JSON.stringify(seqs)}`);
    // Newest first, each once.
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => b - a),
    );
    assert.deepEqual(pageErrors, []);
  });
});
