// `procs dashboard` and `procs up --ui` from the command line: the URL on stdout (or labelled on
// stderr for up), the browser command started with it, and the refusals.
import assert from 'node:assert/strict';
import { watch, writeFileSync, chmodSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NODE, tempProject, type Proj } from '../control/helpers.js';

const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

const SPEC = `version: 1
processes:
  api:
    command: [${NODE}, hang.js]
`;
const HANG = "console.log('up'); setInterval(() => {}, 1 << 30);\n";
const URL_RE = /^http:\/\/127\.0\.0\.1:(\d+)\/\?token=[A-Za-z0-9_-]{20,}$/;

/** Resolves once `file` exists in `dir` (watched, not polled). */
function appears(dir: string, file: string): Promise<void> {
  return new Promise((resolve) => {
    const w = watch(dir, () => {
      if (existsSync(join(dir, file))) {
        w.close();
        resolve();
      }
    });
    if (existsSync(join(dir, file))) {
      w.close();
      resolve();
    }
  });
}

describe('procs dashboard', () => {
  it('refuses what it cannot do: no project running, a bad port, --ui-port without --ui', async () => {
    const p = tempProject({ 'procs.yaml': SPEC, 'hang.js': HANG });
    projects.push(p);
    const none = await p.run(['dashboard', '--no-open']);
    assert.equal(none.code, 1, none.stderr);
    assert.match(none.stderr, /not running|no procs/i);
    const port = await p.run(['dashboard', '--port', '70000']);
    assert.equal(port.code, 2);
    assert.match(port.stderr, /--port takes a port from 1 to 65535/);
    const lone = await p.run(['up', '-d', '--ui-port', '8080']);
    assert.equal(lone.code, 2);
    assert.match(lone.stderr, /--ui-port goes with --ui/);
    assert.equal(existsSync(join(p.dir, '.procs/procs.pid')), false);
  });

  it('prints the URL and opens it with $BROWSER; the same URL the next time', async () => {
    const p = tempProject({ 'procs.yaml': SPEC, 'hang.js': HANG });
    projects.push(p);
    const browser = join(p.dir, 'browser.sh');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$1" > "${join(p.dir, 'opened.tmp')}" && mv "${join(p.dir, 'opened.tmp')}" "${join(p.dir, 'opened')}"\n`);
    chmodSync(browser, 0o755);
    const up = await p.run(['up', '-d', '--ui', '--no-open']);
    assert.equal(up.code, 0, up.stderr);
    const labelled = /procs: dashboard: (\S+)/.exec(up.stderr)?.[1] ?? '';
    assert.match(labelled, URL_RE);
    const opened = appears(p.dir, 'opened');
    const r = await p.run(['dashboard'], { BROWSER: browser });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), labelled);
    await opened;
    assert.equal(readFileSync(join(p.dir, 'opened'), 'utf8').trim(), labelled);
    const again = await p.run(['dashboard', '--no-open', '--port', String(Number(URL_RE.exec(labelled)?.[1]) === 1 ? 2 : 1)]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already serves on port/);
  });
});
