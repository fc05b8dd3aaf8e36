// GET /api/logs: pages of lines from the unit log files, exact when many lines share a stamp
// (a page walking back with before/have gets every line once); the filter by text or RE2 regex;
// units and pools by name; the backwards reader across chunks and rotated files.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BackwardLog } from '../../src/dashboard/log-files.js';
import type { LogLine, LogPage } from '../../src/dashboard/protocol.js';
import type { Dashboard } from '../../src/dashboard/start.js';
import { fakeProject, request, row, serve, signIn, type Fake } from './helpers.js';

let f: Fake;
let d: Dashboard;
let cookie: string;
const t = (ms: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms)).toISOString();

/** Every line written, oldest first, as the merge orders them (by time, then unit order). */
const all: LogLine[] = [];

before(async () => {
  f = fakeProject(
    [row('web'), row('api'), row('w.1', { kind: 'instance', pool: 'w' }), row('w.2', { kind: 'instance', pool: 'w' })],
    [{ name: 'w', replicas: 2 }],
  );
  // Bursts of lines sharing one millisecond, in both units, stderr among them.
  const web: string[] = [];
  const api: string[] = [];
  const lines: { ms: number; unit: 'web' | 'api'; i: number }[] = [];
  for (let i = 0; i < 120; i++) lines.push({ ms: Math.floor(i / 7) * 3, unit: i % 3 === 0 ? 'api' : 'web', i });
  for (const l of lines) {
    const stream = l.i % 5 === 0 ? 'err' : 'out';
    const text = `${l.unit} line ${l.i}${l.i % 10 === 0 ? ' \u001b[31merror\u001b[0m' : ''}`;
    (l.unit === 'web' ? web : api).push(`${t(l.ms)} ${stream} ${text}\n`);
  }
  writeFileSync(join(f.logsDir, 'web.log'), web.join(''));
  writeFileSync(join(f.logsDir, 'api.log'), api.join(''));
  writeFileSync(join(f.logsDir, 'w.1.log'), `${t(5)} out one\n`);
  writeFileSync(join(f.logsDir, 'w.2.log'), `${t(6)} out two\n`);
  const byTime = (u: string): LogLine[] =>
    lines
      .filter((l) => l.unit === u)
      .map((l) => ({
        ts: t(l.ms),
        unit: u,
        stream: l.i % 5 === 0 ? ('stderr' as const) : ('stdout' as const),
        text: `${u} line ${l.i}${l.i % 10 === 0 ? ' \u001b[31merror\u001b[0m' : ''}`,
      }));
  // web comes before api in unit order: on equal stamps its lines come first.
  const merged = [...byTime('web').map((l, k) => ({ l, k, u: 0 })), ...byTime('api').map((l, k) => ({ l, k, u: 1 }))];
  merged.sort((a, b) => (a.l.ts < b.l.ts ? -1 : a.l.ts > b.l.ts ? 1 : a.u - b.u || a.k - b.k));
  all.push(...merged.map((x) => x.l));
  d = await serve(f);
  cookie = await signIn(d.url);
});
after(async () => {
  await d.close();
  f.cleanup();
});

async function logs(query: [string, string][]): Promise<{ status: number; page: LogPage & { error?: { code: string; message: string } } }> {
  const a = await request(d.port, { path: `/api/logs?${new URLSearchParams(query).toString()}`, headers: { cookie } });
  return { status: a.status, page: JSON.parse(a.body) as LogPage & { error?: { code: string; message: string } } };
}

/** Walks back from the newest line as the page does: before the oldest held, less those held with that stamp. */
async function walk(base: [string, string][], limit: number): Promise<LogLine[]> {
  let held: LogLine[] = [];
  for (let pages = 0; pages < 1000; pages++) {
    const q: [string, string][] = [...base, ['limit', String(limit)]];
    if (held.length > 0) {
      const oldest = held[0]?.ts ?? '';
      q.push(['before', oldest]);
      const have = new Map<string, number>();
      for (const l of held) if (l.ts === oldest) have.set(l.unit, (have.get(l.unit) ?? 0) + 1);
      for (const [u, k] of have) q.push(['have', `${u}:${k}`]);
    }
    const { status, page } = await logs(q);
    assert.equal(status, 200);
    assert.ok(page.lines.length <= limit);
    held = [...page.lines, ...held];
    if (!page.more) return held;
    assert.equal(page.lines.length, limit, 'a page short of the limit has no more');
  }
  throw new Error('too many pages');
}

describe('dashboard logs', () => {
  it('walks back through every line exactly once, however the stamps tie', async () => {
    for (const limit of [1, 2, 5, 7, 50, 500]) {
      const got = (
        await walk(
          [
            ['unit', 'web'],
            ['unit', 'api'],
          ],
          limit,
        )
      ).filter((l) => l.unit === 'web' || l.unit === 'api');
      assert.deepEqual(got, all, `limit ${limit}`);
    }
    const web = await walk([['unit', 'web']], 3);
    assert.deepEqual(
      web,
      all.filter((l) => l.unit === 'web'),
    );
  });

  it('gives the newest lines oldest first, and says when older ones exist', async () => {
    const { page } = await logs([
      ['unit', 'api'],
      ['limit', '4'],
    ]);
    assert.deepEqual(page.lines, all.filter((l) => l.unit === 'api').slice(-4));
    assert.equal(page.more, true);
    const whole = await logs([['unit', 'api']]);
    assert.equal(whole.page.more, false);
    assert.equal(whole.page.lines.length, 40);
  });

  it('filters by text or RE2 regex on the text without its colours, paging exactly', async () => {
    const text = await walk([['q', 'error']], 2);
    assert.deepEqual(
      text.filter((l) => !l.unit.startsWith('w.')),
      all.filter((l) => l.text.includes('error')),
    );
    const re = await walk([['q', '/line \\d*[05] error$/']], 3);
    assert.deepEqual(
      re,
      all.filter((l) => l.text.includes('error')),
    );
    const bad = await logs([['q', '/a(b/']]);
    assert.equal(bad.status, 400);
    assert.match(bad.page.error?.message ?? '', /^q: not a regular expression/);
    const unsupported = await logs([['q', '/(?=x)y/']]);
    assert.equal(unsupported.status, 400);
  });

  it('takes pools for their instances, and refuses an unknown unit as the control API does', async () => {
    const pool = await logs([['unit', 'w']]);
    assert.deepEqual(
      pool.page.lines.map((l) => `${l.unit} ${l.text}`),
      ['w.1 one', 'w.2 two'],
    );
    const unknown = await logs([['unit', 'wbe']]);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.page.error?.code, 'unknown-unit');
    assert.match(unknown.page.error?.message ?? '', /no unit named 'wbe'; did you mean 'web'\?/);
    for (const q of [[['before', 'yesterday']], [['have', 'web']], [['have', 'web:x']], [['limit', '-1']]] as [string, string][][]) {
      assert.equal((await logs(q)).status, 400, JSON.stringify(q));
    }
    const capped = await logs([['limit', '999999']]);
    assert.equal(capped.status, 200);
  });
});

describe('reading a log backwards', () => {
  it('reads across chunks and rotated files, newest first, leaving out a line still being written', async () => {
    const dir = f.dir;
    const long = 'x'.repeat(70_000);
    writeFileSync(join(dir, 'r.log.2'), `${t(1)} out a\n${t(2)} out ${long}\n`);
    writeFileSync(join(dir, 'r.log.1'), `${t(3)} out b\n${t(4)} err é\n`);
    writeFileSync(join(dir, 'r.log'), `${t(5)} out c\n${t(6)} out half a li`);
    const log = await BackwardLog.open(dir, 'r');
    const texts: string[] = [];
    for (let l = await log.next(); l !== undefined; l = await log.next()) texts.push(l.text.length > 20 ? `long ${l.text.length}` : l.text);
    assert.deepEqual(texts, ['c', 'é', 'b', 'long 70000', 'a']);
    await log.close();
    const last = await BackwardLog.open(dir, 'r');
    assert.deepEqual(
      (await last.last(2)).map((l) => l.text),
      ['é', 'c'],
    );
    await last.close();
    const none = await BackwardLog.open(dir, 'nothing');
    assert.equal(await none.next(), undefined);
  });
});
