// GET /api/stream: one page's Server-Sent Events (protocol.ts StreamEvents). First `hello`, then
// the events after the page's Last-Event-ID (or a `reset` and every kept event), then live events;
// beside them the units' output: once the live feed is subscribed and the files hold every line
// from before it, one `logs` message with the files' last lines, then every line as it comes, in
// order, none dropped. A reader that falls too far behind is disconnected (it reconnects and
// starts again from the files), never skipped over.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ControlApi, Feed } from '../control/api.js';
import type { EventRing, Numbered } from './events-ring.js';
import { BackwardLog } from './log-files.js';
import { joinHistory, liveLines } from './log-lines.js';
import type { LogLine, StreamEventName, StreamEvents } from './protocol.js';

/** Lines of the files sent in the history message. */
export const HISTORY_LINES = 1000;
/** Live lines are sent together: every FLUSH_MS, or as soon as this many wait. */
const BATCH_LINES = 1000;
const FLUSH_MS = 50;
/** Bytes a reader may leave unread before it is disconnected. */
const MAX_BACKLOG = 32 * 1024 * 1024;
const KEEPALIVE_MS = 15_000;

export interface StreamContext {
  readonly api: ControlApi;
  readonly ring: EventRing;
  readonly project: string;
  readonly logsDir: string;
  /** Unit names whose files make the history (status' units). */
  units(): Promise<readonly string[]>;
  /** Tells the server the stream is open; the returned function tells it it closed. */
  opened(end: () => void): () => void;
}

/** One SSE message. `data` is JSON on one line (JSON.stringify leaves no raw newline). */
function message<K extends StreamEventName>(name: K, data: StreamEvents[K], id?: string): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Serves one stream until the page goes or the project does. */
export function serveStream(req: IncomingMessage, res: ServerResponse, ctx: StreamContext): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
  let closed = false;
  const cleanups: (() => void)[] = [];
  const close = (): void => {
    if (closed) return;
    closed = true;
    cleanups.splice(0).forEach((fn) => fn());
    if (!res.writableEnded) res.end();
  };
  const send = (text: string): void => {
    if (closed || res.destroyed) return;
    res.write(text);
    if (res.writableLength > MAX_BACKLOG) {
      // Too slow to follow: dropped whole, so that it starts again from the files.
      closed = true;
      cleanups.splice(0).forEach((fn) => fn());
      res.destroy();
    }
  };
  res.on('close', close);
  cleanups.push(ctx.opened(close));

  // Events: what the page has not seen, then live ones. Taken and subscribed in one go.
  send('retry: 1000\n\n');
  const lastId = req.headers['last-event-id'];
  const { resumed, events } = ctx.ring.resume(typeof lastId === 'string' ? lastId : undefined);
  send(message('hello', { run: ctx.ring.run, project: ctx.project, resumed }));
  if (!resumed) send(message('reset', {}));
  const sendEvent = (n: Numbered): void => send(message('event', { seq: n.seq, event: n.event }, ctx.ring.idOf(n)));
  events.forEach(sendEvent);
  cleanups.push(ctx.ring.listen(sendEvent));

  const keepalive = setInterval(() => send(': keepalive\n\n'), KEEPALIVE_MS);
  cleanups.push(() => clearInterval(keepalive));
  followLogs(ctx, send, cleanups, close);
}

/** The units' output: history from the files, then live lines in batches. */
function followLogs(ctx: StreamContext, send: (text: string) => void, cleanups: (() => void)[], close: () => void): void {
  let held: LogLine[] | undefined = [];
  let pending: LogLine[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const lines = pending;
    pending = [];
    send(message('logs', { lines }));
  };
  const take = (lines: readonly LogLine[]): void => {
    if (lines.length === 0) return;
    if (held) {
      held.push(...lines);
      return;
    }
    pending.push(...lines);
    if (pending.length >= BATCH_LINES) flush();
    else timer ??= setTimeout(flush, FLUSH_MS);
  };
  let feed: Feed;
  try {
    feed = ctx.api.logs([], (b) => take(liveLines(b)));
  } catch {
    close(); // the project is going away
    return;
  }
  cleanups.push(() => {
    feed.close();
    if (timer) clearTimeout(timer);
  });
  void feed.ended.then(() => {
    flush();
    close();
  });
  void (async () => {
    await feed.ready;
    const tails = await readTails(ctx);
    const buffered = held ?? [];
    held = undefined;
    const { history, rest } = joinHistory(tails, buffered, HISTORY_LINES);
    send(message('logs', { history: true, lines: history }));
    for (let i = 0; i < rest.length; i += BATCH_LINES) send(message('logs', { lines: rest.slice(i, i + BATCH_LINES) }));
  })().catch(() => close());
}

/** Each unit's last lines from its files. */
async function readTails(ctx: StreamContext): Promise<Map<string, LogLine[]>> {
  const units = await ctx.units();
  const tails = await Promise.all(
    units.map(async (unit) => {
      const log = await BackwardLog.open(ctx.logsDir, unit);
      try {
        return [unit, await log.last(HISTORY_LINES)] as const;
      } finally {
        await log.close();
      }
    }),
  );
  return new Map(tails);
}
