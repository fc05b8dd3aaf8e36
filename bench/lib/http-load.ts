// A load loop of its own process: `node http-load.js PORT RATE` sends GET / to 127.0.0.1:PORT at
// RATE requests a second, each on a fresh connection (no agent, `Connection: close`), and sorts
// every answer: ok (200 and the body read), refused (ECONNREFUSED), reset (ECONNRESET, a socket
// hang-up), timeout (no answer within 2 s) or other. When its stdin ends it stops sending, waits
// for the requests in flight (at most 3 s) and prints the counts as one JSON line, with the wall
// clock times (ms since the epoch) of the requests that did not succeed.
import { request } from 'node:http';

export interface LoadCounts {
  sent: number;
  ok: number;
  refused: number;
  reset: number;
  timeout: number;
  other: number;
  /** `code` → count for the `other` ones. */
  otherCodes: Record<string, number>;
  /** When each request that did not succeed was sent (ms since the epoch). */
  failedAt: number[];
}

const TIMEOUT_MS = 2000;
const TICK_MS = 5;
// Never more than this many requests at once: a hung server must not pile up sockets.
const MAX_IN_FLIGHT = 1000;

const now = (): number => performance.timeOrigin + performance.now();

function main(): void {
  const port = Number(process.argv[2]);
  const rate = Number(process.argv[3] ?? 500);
  const counts: LoadCounts = { sent: 0, ok: 0, refused: 0, reset: 0, timeout: 0, other: 0, otherCodes: {}, failedAt: [] };
  let inFlight = 0;
  let stopping = false;
  let finished = false;

  const finish = (): void => {
    if (finished) return;
    finished = true;
    process.stdout.write(`${JSON.stringify(counts)}\n`, () => process.exit(0));
  };

  const one = (): void => {
    const sentAt = now();
    counts.sent++;
    inFlight++;
    let settled = false;
    const done = (kind: 'ok' | 'refused' | 'reset' | 'timeout' | 'other', code?: string): void => {
      if (settled) return;
      settled = true;
      inFlight--;
      counts[kind]++;
      if (kind !== 'ok') counts.failedAt.push(sentAt);
      if (kind === 'other') counts.otherCodes[code ?? '?'] = (counts.otherCodes[code ?? '?'] ?? 0) + 1;
      if (stopping && inFlight === 0) finish();
    };
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, headers: { Connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? done('ok') : done('other', `HTTP ${String(res.statusCode)}`)));
      res.on('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNRESET' ? 'reset' : 'other', e.code ?? e.message));
    });
    req.setTimeout(TIMEOUT_MS, () => {
      done('timeout');
      req.destroy();
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') done('refused');
      else if (e.code === 'ECONNRESET') done('reset');
      else done('other', e.code ?? e.message);
    });
    req.end();
  };

  // Sends what is due by the clock at every tick, so a late timer does not lower the rate.
  const began = performance.now();
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - began) * rate) / 1000);
    while (counts.sent < due && inFlight < MAX_IN_FLIGHT) one();
  }, TICK_MS);

  process.stdin.resume();
  process.stdin.on('end', () => {
    clearInterval(timer);
    stopping = true;
    if (inFlight === 0) finish();
    setTimeout(finish, TIMEOUT_MS + 1000).unref();
  });
}

main();
