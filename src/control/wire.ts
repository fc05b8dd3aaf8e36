// The server's side of the wire: JSON bodies in and out, errors in one shape, and NDJSON streams
// that never let a slow reader hold the project up (past a bound, lines are counted, not kept).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ControlError } from './api.js';

/** A request header: when (epoch ms) the client stops waiting for the request to be taken. */
export const DEADLINE_HEADER = 'x-procs-deadline';

/** The largest request body taken (1 MiB): a larger one is answered 413. */
const BODY_LIMIT = 1024 * 1024;
/**
 * Bytes a stream may have queued for a slow reader before its lines are dropped: 256 KiB, less
 * when many streams are open so that together they keep at most 16 MiB. Each queued line is its
 * own chunk with its own bookkeeping, and the heap it grew is not given back soon: 40 readers that
 * never read once held 550 MB at a bound of 8 MiB each.
 */
const STREAM_BACKLOG = 256 * 1024;
const ALL_STREAMS_BACKLOG = 16 * 1024 * 1024;
const MIN_BACKLOG = 16 * 1024;

/**
 * What the streams of one server share: how many are open (each may queue less when many are)
 * and the lines already made, by value: a batch going to many followers is turned into text once.
 */
export class Streams {
  #open = 0;
  readonly #lines = new WeakMap<object, string>();

  /** Counts `res` as open until it closes. */
  opened(res: ServerResponse): void {
    this.#open += 1;
    res.once('close', () => (this.#open -= 1));
  }

  /** What one stream may queue now. */
  backlogLimit(): number {
    return Math.max(MIN_BACKLOG, Math.min(STREAM_BACKLOG, Math.floor(ALL_STREAMS_BACKLOG / Math.max(1, this.#open))));
  }

  /** A value as one NDJSON line. */
  lineOf(value: unknown): string {
    if (typeof value !== 'object' || value === null) return JSON.stringify(value) + '\n';
    let line = this.#lines.get(value);
    if (line === undefined) this.#lines.set(value, (line = JSON.stringify(value) + '\n'));
    return line;
  }
}

/** Reads a request's JSON body (an empty body is `{}`). */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const tooLarge = (): ControlError => new ControlError('too-large', `request body larger than ${BODY_LIMIT} bytes`);
  if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw tooLarge();
    chunks.push(chunk);
  }
  if (size === 0) return {};
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ControlError('bad-request', 'request body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ControlError('bad-request', 'request body must be a JSON object');
  return body as Record<string, unknown>;
}

/** Answers with a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Answers with an error as `{ error: { code, message, details } }` (on a stream already
 * answered, as its last line). A client that has gone gets nothing, and nothing throws.
 */
export function sendError(res: ServerResponse, err: unknown): void {
  const e = err instanceof ControlError ? err : new ControlError('internal', err instanceof Error ? err.message : String(err));
  if (res.writableEnded || res.destroyed) return;
  const body = { error: { code: e.code, message: e.message, details: e.details } };
  if (res.headersSent) {
    res.end(JSON.stringify(body) + '\n');
    return;
  }
  // The rest of a body too large to take is not read: the connection closes after the answer.
  if (e.code === 'too-large') res.setHeader('connection', 'close');
  sendJson(res, e.httpStatus, body);
}

/**
 * A request listener over `handle` from which nothing a client sends can throw: a failure is
 * answered as an error (or the connection dropped), and the project goes on (a throw would end
 * the process that runs every unit). A client that went away is nothing to tell.
 */
export function answering(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    res.on('error', () => undefined);
    req.on('error', () => undefined);
    void handle(req, res).catch((err: unknown) => {
      try {
        sendError(res, err);
      } catch {
        res.destroy();
      }
    });
  };
}

/** An NDJSON response that drops, and later reports, what a slow reader cannot take. */
export class NdjsonStream {
  readonly #res: ServerResponse;
  readonly #notice: (dropped: number) => unknown;
  readonly #streams: Streams;
  #dropped = 0;

  /** `notice` makes the line that tells the reader how many lines it missed; `streams` are the server's. */
  constructor(res: ServerResponse, notice: (dropped: number) => unknown, streams: Streams) {
    this.#res = res;
    this.#notice = notice;
    this.#streams = streams;
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    res.flushHeaders();
    res.on('drain', () => this.#reportDropped());
    streams.opened(res);
  }

  /** Sends one value as a line, unless the reader is too far behind. */
  write(value: unknown, lines = 1): void {
    if (this.#res.writableEnded || this.#res.destroyed) return;
    if (this.#res.writableLength > this.#streams.backlogLimit()) {
      this.#dropped += lines;
      return;
    }
    this.#reportDropped();
    this.#res.write(this.#streams.lineOf(value));
  }

  /** Ends the response. */
  end(): void {
    if (!this.#res.writableEnded) this.#res.end();
  }

  /** Tells the reader how many lines it missed, once it has room again. */
  #reportDropped(): void {
    if (this.#dropped === 0 || this.#res.writableLength > this.#streams.backlogLimit()) return;
    const n = this.#dropped;
    this.#dropped = 0;
    this.#res.write(JSON.stringify(this.#notice(n)) + '\n');
  }
}

/** A body field that must be a list of strings (absent: empty). */
export function stringList(body: Record<string, unknown>, key: string): string[] {
  const v = body[key];
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new ControlError('bad-request', `${key} must be a list of names`);
  return v;
}

/** A body field that must map names to whole numbers 0…1024 (absent: undefined). */
export function countMap(body: Record<string, unknown>, key: string): Record<string, number> | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ControlError('bad-request', `${key} must map names to counts`);
  const out: Record<string, number> = {};
  for (const [name, n] of Object.entries(v)) {
    if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > 1024) {
      throw new ControlError('bad-request', `${key}: expected a whole number from 0 to 1024 for ${name}, got ${JSON.stringify(n)}`);
    }
    out[name] = n as number;
  }
  return out;
}
