// The event stream: events numbered in their run and resumed after a reconnect with none missed
// or repeated (another run's id, or one not kept, starts over with a reset); the units' output
// as one history message from the files, then live lines, none lost, repeated or reordered when
// the files already hold some of the live ones; closing the dashboard ends streams and does not
// wait on a `down` in progress.
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import type { ProcsEvent } from '../../src/events/types.js';
import type { Dashboard } from '../../src/dashboard/start.js';
import type { LogLine, StreamEvents } from '../../src/dashboard/protocol.js';
import { action, ev, fakeProject, serve, signIn, type Fake } from './helpers.js';
import { openStream, type SseMessage, type SseStream } from './sse.js';

const open: { f: Fake; d: Dashboard; streams: SseStream[] }[] = [];
afterEach(async () => {
  for (const { f, d, streams } of open.splice(0)) {
    streams.forEach((s) => s.close());
    await d.close();
    f.cleanup();
  }
});

async function setup(): Promise<{ f: Fake; d: Dashboard; cookie: string; streams: SseStream[] }> {
  const f = fakeProject();
  const d = await serve(f);
  const streams: SseStream[] = [];
  open.push({ f, d, streams });
  return { f, d, cookie: await signIn(d.url), streams };
}

const RUN = Date.parse('2026-01-01T00:00:00.000Z').toString(36);
const START: ProcsEvent = { ts: '2026-01-01T00:00:00.000Z', type: 'start', unit: 'procs', runner: 'daemon', pid: 1 };

function seqs(s: SseStream): number[] {
  return s.messages.filter((m) => m.event === 'event').map((m) => (m.data as StreamEvents['event']).seq);
}

function logLines(s: SseStream): LogLine[] {
  return s.messages.filter((m) => m.event === 'logs').flatMap((m) => (m.data as StreamEvents['logs']).lines);
}

const isSeq =
  (n: number) =>
  (m: SseMessage): boolean =>
    m.event === 'event' && (m.data as StreamEvents['event']).seq === n;

describe('dashboard event stream', () => {
  it('numbers the run’s events and resumes after the last one seen, none missed or repeated', async () => {
    const f = fakeProject();
    f.recent.push(START, ev('web', 1), ev('api', 2));
    const d = await serve(f);
    const streams: SseStream[] = [];
    open.push({ f, d, streams });
    const cookie = await signIn(d.url);

    const first = await openStream(d.port, cookie);
    streams.push(first);
    await first.waitFor(isSeq(3));
    assert.equal(first.retry, 1000);
    assert.deepEqual(first.messages[0], { event: 'hello', id: undefined, data: { run: RUN, project: 'demo', resumed: false } });
    assert.equal(first.messages[1]?.event, 'reset');
    assert.deepEqual(
      first.messages.filter((m) => m.event === 'event').map((m) => m.id),
      [`${RUN}.1`, `${RUN}.2`, `${RUN}.3`],
    );
    assert.equal((first.messages[2]?.data as StreamEvents['event']).event.type, 'start');
    f.emit(ev('web', 4));
    f.emit(ev('web', 5));
    await first.waitFor(isSeq(5));
    first.close();
    await first.ended;

    // Missed while away.
    f.emit(ev('api', 6));
    f.emit(ev('api', 7));
    const again = await openStream(d.port, cookie, `${RUN}.5`);
    streams.push(again);
    await again.waitFor(isSeq(7));
    assert.deepEqual(again.messages[0]?.data, { run: RUN, project: 'demo', resumed: true });
    assert.ok(!again.messages.some((m) => m.event === 'reset'));
    f.emit(ev('api', 8));
    await again.waitFor(isSeq(8));
    assert.deepEqual(seqs(again), [6, 7, 8]);
    assert.equal((again.messages.find(isSeq(8))?.data as StreamEvents['event']).event.ts, ev('api', 8).ts);

    // Up to date: nothing is sent again.
    const current = await openStream(d.port, cookie, `${RUN}.8`);
    streams.push(current);
    f.emit(ev('api', 9));
    await current.waitFor(isSeq(9));
    assert.deepEqual(seqs(current), [9]);

    // Another run's id, or one this run never gave: start over.
    for (const id of ['kz0abc.3', `${RUN}.99`, 'garbage']) {
      const other = await openStream(d.port, cookie, id);
      streams.push(other);
      await other.waitFor(isSeq(9));
      assert.equal((other.messages[0]?.data as StreamEvents['hello']).resumed, false, id);
      assert.equal(other.messages[1]?.event, 'reset', id);
      assert.deepEqual(seqs(other), [1, 2, 3, 4, 5, 6, 7, 8, 9], id);
    }
  });

  it('lets go of its subscriptions when the page goes', async () => {
    const { f, d, cookie } = await setup();
    const s = await openStream(d.port, cookie);
    await s.waitFor((m) => m.event === 'hello');
    assert.equal(f.subscribers().logs, 1);
    const closed = f.logsClosed();
    s.close();
    await closed;
    assert.equal(f.subscribers().logs, 0);
    assert.equal(f.subscribers().events, 1, "the dashboard's own subscription stays");
  });
});

/** A log file line. */
function fileLine(ts: string, text: string, stream = 'out'): string {
  return `${ts} ${stream} ${text}\n`;
}

describe('dashboard log stream', () => {
  it('sends the files’ last lines once, then the live ones the files did not hold yet, in order', async () => {
    const { f, d, cookie, streams } = await setup();
    const t = (ms: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms)).toISOString();
    writeFileSync(join(f.logsDir, 'web.log'), [1, 2, 3, 4, 5].map((i) => fileLine(t(i * 10), `web ${i}`)).join(''));
    writeFileSync(join(f.logsDir, 'api.log'), fileLine(t(15), 'api 1') + fileLine(t(25), 'api 2', 'err'));
    const gate = f.holdReady();
    const s = await openStream(d.port, cookie);
    streams.push(s);
    await s.waitFor((m) => m.event === 'hello');
    // While the files are written behind: the first two live lines reach the file, the third not yet.
    f.output({ ts: t(60), unit: 'web', stream: 'stdout', text: 'web 6\nweb 7\n' });
    appendFileSync(join(f.logsDir, 'web.log'), fileLine(t(60), 'web 6') + fileLine(t(60), 'web 7'));
    f.output({ ts: t(61), unit: 'api', stream: 'stdout', text: 'api 3\n' });
    f.output({ ts: t(62), unit: 'web', stream: 'stdout', text: 'web 8\n' });
    gate.release();
    const history = await s.waitFor((m) => m.event === 'logs');
    assert.equal((history.data as StreamEvents['logs']).history, true);
    assert.deepEqual(
      (history.data as StreamEvents['logs']).lines.map((l) => `${l.unit}:${l.stream}:${l.text}`),
      [
        'web:stdout:web 1',
        'api:stdout:api 1',
        'web:stdout:web 2',
        'api:stderr:api 2',
        'web:stdout:web 3',
        'web:stdout:web 4',
        'web:stdout:web 5',
        'web:stdout:web 6',
        'web:stdout:web 7',
      ],
    );
    f.output({ ts: t(70), unit: 'web:post_start', stream: 'stdout', text: 'hooked\n' });
    f.output({ ts: t(71), unit: 'api', stream: 'stderr', step: 1, text: 'piped\n' });
    await s.waitFor((m) => m.event === 'logs' && (m.data as StreamEvents['logs']).lines.some((l) => l.text === 'piped'));
    const lines = logLines(s);
    assert.deepEqual(
      lines.map((l) => `${l.unit}:${l.text}`),
      [
        'web:web 1',
        'api:api 1',
        'web:web 2',
        'api:api 2',
        'web:web 3',
        'web:web 4',
        'web:web 5',
        'web:web 6',
        'web:web 7',
        'api:api 3',
        'web:web 8',
        'web:[post_start] hooked',
        'api:piped',
      ],
    );
    assert.deepEqual(lines.at(-1), { ts: t(71), unit: 'api', stream: 'stderr', step: 1, text: 'piped' });
    assert.ok(s.messages.filter((m) => m.event === 'logs' && (m.data as StreamEvents['logs']).history === true).length === 1);
  });

  it('loses no line of a fast printer and sends them in batches', async () => {
    const { f, d, cookie, streams } = await setup();
    const s = await openStream(d.port, cookie);
    streams.push(s);
    await s.waitFor((m) => m.event === 'logs');
    const total = 20_000;
    for (let i = 0; i < total; i += 100) {
      const text = Array.from({ length: 100 }, (_, j) => `line ${i + j}\n`).join('');
      f.output({ ts: new Date().toISOString(), unit: i % 200 === 0 ? 'web' : 'api', stream: 'stdout', text });
    }
    await s.waitFor((m) => m.event === 'logs' && (m.data as StreamEvents['logs']).lines.some((l) => l.text === `line ${total - 1}`));
    const got = logLines(s).map((l) => l.text);
    assert.deepEqual(
      got,
      Array.from({ length: total }, (_, i) => `line ${i}`),
    );
    const sizes = s.messages.filter((m) => m.event === 'logs').map((m) => (m.data as StreamEvents['logs']).lines.length);
    assert.ok(Math.max(...sizes) <= 1000, `batches of at most 1000 lines: ${Math.max(...sizes)}`);
  });

  it('disconnects a reader that falls too far behind instead of skipping lines', async () => {
    const { f, d, cookie, streams } = await setup();
    const s = await openStream(d.port, cookie);
    streams.push(s);
    await s.waitFor((m) => m.event === 'logs');
    const closed = f.logsClosed();
    // 40 MB handed over at once: more than a reader is let leave unread.
    const text = `${'y'.repeat(999)}\n`.repeat(1000);
    for (let i = 0; i < 40; i++) f.output({ ts: new Date().toISOString(), unit: 'web', stream: 'stdout', text });
    await closed;
    await s.ended;
    assert.equal(f.subscribers().logs, 0);
    // The next stream is served as usual.
    const next = await openStream(d.port, cookie);
    streams.push(next);
    await next.waitFor((m) => m.event === 'logs');
  });

  it('ends its streams on close and does not wait for a down in progress', async () => {
    const { f, d, cookie } = await setup();
    const s = await openStream(d.port, cookie);
    await s.waitFor((m) => m.event === 'logs');
    const down = action(d.port, cookie, '/api/down', {});
    await f.downAsked;
    const started = Date.now();
    await d.close();
    assert.ok(Date.now() - started < 3000, `closed in ${Date.now() - started}ms`);
    await s.ended;
    const answer = await down;
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body), { done: true });
    f.finishDown();
  });
});
