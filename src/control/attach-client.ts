// The client's side of `procs attach` (attach-server.ts is the other): the upgrade request on
// node:net, an error answer turned into its ControlError, then frames both ways.
import { connect } from 'node:net';
import { ControlError, type AttachClient, type AttachNotice, type AttachSession, type ControlErrorCode } from './api.js';
import { ATTACH_PATH, ATTACH_PROTOCOL } from './attach-server.js';
import { encodeFrame, FRAME, FrameReader, MAX_PAYLOAD } from './frames.js';
import type { WindowSize } from '../proc/unit-input.js';

const HEAD_END = '\r\n\r\n';
const HEAD_LIMIT = 64 * 1024;

type Attached = Extract<AttachNotice, { type: 'attached' }>;

export interface AttachConnection {
  readonly socketPath: string;
  /** How long the project has to answer the request. */
  readonly timeoutMs: number;
  /** A failed connection in words (not running, denied). */
  connectionError(err: NodeJS.ErrnoException): ControlError;
  /** The error for a project that did not answer in time. */
  noAnswer(): ControlError;
  /** Why the socket must not be used, when it must not. */
  readonly refusal?: ControlError | undefined;
}

/** Attaches to `unit` over the project's socket. */
export function openAttach(c: AttachConnection, unit: string, client: AttachClient, size?: WindowSize): AttachSession {
  if (c.refusal) {
    const ready = Promise.reject(c.refusal);
    ready.catch(() => undefined);
    return { ready, ended: Promise.resolve(), write: () => undefined, resize: () => undefined, close: () => undefined };
  }
  const query = [`unit=${encodeURIComponent(unit)}`, ...(size ? [`cols=${size.cols}`, `rows=${size.rows}`] : [])].join('&');
  const head = [
    `GET ${ATTACH_PATH}?${query} HTTP/1.1`,
    'Host: procs',
    'Connection: Upgrade',
    `Upgrade: ${ATTACH_PROTOCOL}`,
    `X-Procs-Deadline: ${Date.now() + c.timeoutMs}`,
  ].join('\r\n');
  const socket = connect(c.socketPath, () => socket.write(`${head}${HEAD_END}`));
  let attached!: (n: Attached) => void;
  let refused!: (e: Error) => void;
  const ready = new Promise<Attached>((resolve, reject) => ((attached = resolve), (refused = reject)));
  ready.catch(() => undefined);
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const timer = setTimeout(() => {
    refused(c.noAnswer());
    socket.destroy();
  }, c.timeoutMs);
  let upgraded = false;
  let pending: Buffer = Buffer.alloc(0);
  const reader = new FrameReader([FRAME.output, FRAME.notice]);
  const frames = (chunk: Buffer): void => {
    for (const f of reader.push(chunk)) {
      if (f.type === FRAME.output) {
        client.output(f.payload);
        continue;
      }
      const n = JSON.parse(f.payload.toString('utf8')) as AttachNotice;
      if (n.type === 'attached') {
        clearTimeout(timer);
        attached(n);
      } else client.notice(n);
    }
  };
  socket.on('data', (chunk: Buffer) => {
    try {
      if (upgraded) return frames(chunk);
      pending = Buffer.concat([pending, chunk]);
      const end = pending.indexOf(HEAD_END);
      if (end < 0) {
        if (pending.length > HEAD_LIMIT) throw new Error('the answer has no end of headers');
        return;
      }
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(pending.toString('latin1', 0, end))?.[1]);
      if (status !== 101) return; // an error answer: read whole at the close
      upgraded = true;
      const rest = pending.subarray(end + HEAD_END.length);
      pending = Buffer.alloc(0);
      if (rest.length > 0) frames(rest);
    } catch (err) {
      refused(new ControlError('internal', `the project answered the attach with something else (${err instanceof Error ? err.message : String(err)})`));
      socket.destroy();
    }
  });
  socket.on('error', (err: NodeJS.ErrnoException) => refused(c.connectionError(err)));
  socket.on('close', () => {
    clearTimeout(timer);
    if (!upgraded) refused(errorAnswer(pending));
    else refused(new ControlError('internal', 'the project closed the connection before attaching'));
  });
  const send = (type: (typeof FRAME)['input' | 'resize' | 'detach'], payload?: Buffer | string): void => {
    if (upgraded && !socket.destroyed && socket.writable) socket.write(encodeFrame(type, payload));
  };
  return {
    ready,
    ended,
    write(data) {
      for (let at = 0; at < data.length; at += MAX_PAYLOAD) send(FRAME.input, data.subarray(at, at + MAX_PAYLOAD));
    },
    resize(s) {
      send(FRAME.resize, JSON.stringify({ cols: s.cols, rows: s.rows }));
    },
    close() {
      send(FRAME.detach);
      if (upgraded) socket.end();
      else socket.destroy();
    },
  };
}

/** The ControlError of an error answer (head and body as received). */
function errorAnswer(raw: Buffer): ControlError {
  const text = raw.toString('utf8');
  const end = text.indexOf(HEAD_END);
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
  if (end < 0 || status === undefined) return new ControlError('internal', 'the project closed the connection before answering the attach');
  try {
    const v = JSON.parse(text.slice(end + HEAD_END.length)) as { error?: { code: ControlErrorCode; message: string; details?: string[] } };
    if (v.error) return new ControlError(v.error.code, v.error.message, v.error.details ?? []);
  } catch {
    // not JSON: said below
  }
  return new ControlError('internal', `unexpected answer ${status} to the attach`);
}
