// The server's side of `procs attach`: `GET /v1/attach?unit=NAME[&cols=C&rows=R]` with
// `Connection: Upgrade` and `Upgrade: procs-attach`. A refusal (an unknown unit, a pool, a unit
// that has stopped) is an ordinary control error answer; once attached the server answers 101
// and frames (frames.ts) go both ways until the client detaches, the unit stops for good or the
// project goes away. A client that reads too slowly misses output (and is told how much) rather
// than holding the unit or growing procs; one that sends a broken frame is let go, alone.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ControlError, type AttachNotice, type AttachSession, type ControlApi } from './api.js';
import { encodeFrame, FRAME, FrameReader, MAX_PAYLOAD, parseSize } from './frames.js';
import { DEADLINE_HEADER } from './wire.js';

export const ATTACH_PATH = '/v1/attach';
export const ATTACH_PROTOCOL = 'procs-attach';

/** Output bytes queued for a client before its output is dropped (and counted). */
const BACKLOG = 256 * 1024;
/** Past this, even notices are dropped (the last one, `ended`, always goes). */
const NOTICE_BACKLOG = 4 * BACKLOG;

/** Serves one upgrade request on `socket`; never throws. */
export function serveAttach(api: ControlApi, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => undefined); // the client went away: nothing to tell it
  let request: { unit: string; size: { cols: number; rows: number } | undefined };
  try {
    request = attachRequest(req);
  } catch (err) {
    refuse(socket, err);
    return;
  }
  let open = false;
  let dropped = 0;
  const queued: Buffer[] = [];
  const send = (frame: Buffer): void => {
    if (!open) queued.push(frame);
    else if (!socket.destroyed) socket.write(frame);
  };
  const backlog = (): number => (open ? socket.writableLength : queued.reduce((n, b) => n + b.length, 0));
  const notice = (n: AttachNotice): void => {
    if (n.type !== 'ended' && backlog() > NOTICE_BACKLOG) return;
    send(encodeFrame(FRAME.notice, JSON.stringify(n)));
  };
  const reportDropped = (): void => {
    if (dropped === 0 || backlog() > BACKLOG) return;
    const bytes = dropped;
    dropped = 0;
    notice({ type: 'dropped', bytes });
  };
  let session: AttachSession;
  try {
    session = api.attach(
      request.unit,
      {
        output(chunk) {
          if (backlog() > BACKLOG) {
            dropped += chunk.length;
            return;
          }
          reportDropped();
          for (let at = 0; at < chunk.length; at += MAX_PAYLOAD) send(encodeFrame(FRAME.output, chunk.subarray(at, at + MAX_PAYLOAD)));
        },
        notice,
      },
      request.size,
    );
  } catch (err) {
    refuse(socket, err);
    return;
  }
  socket.on('drain', reportDropped);
  socket.on('close', () => session.close());
  session.ready.then(
    (attached) => {
      if (socket.destroyed) return session.close();
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: ${ATTACH_PROTOCOL}\r\nconnection: Upgrade\r\n\r\n`);
      socket.write(encodeFrame(FRAME.notice, JSON.stringify(attached)));
      open = true;
      for (const frame of queued.splice(0)) socket.write(frame);
      const reader = new FrameReader([FRAME.input, FRAME.resize, FRAME.detach]);
      const take = (chunk: Buffer): void => {
        try {
          for (const f of reader.push(chunk)) {
            if (f.type === FRAME.input) session.write(f.payload);
            else if (f.type === FRAME.resize) session.resize(parseSize(f.payload));
            else session.close();
          }
        } catch {
          // A broken client: let it go; the unit and every other client carry on.
          session.close();
          socket.destroy();
        }
      };
      socket.on('data', take);
      if (head.length > 0) take(head);
      void session.ended.then(() => socket.end());
    },
    (err: unknown) => refuse(socket, err),
  );
}

/** The unit and window size asked for; a request that is not an attach is refused. */
function attachRequest(req: IncomingMessage): { unit: string; size: { cols: number; rows: number } | undefined } {
  const deadline = Number(req.headers[DEADLINE_HEADER]);
  if (Number.isFinite(deadline) && deadline > 0 && Date.now() > deadline)
    throw new ControlError('no-answer', 'the request arrived after its client stopped waiting; nothing was done');
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://procs');
  } catch {
    throw new ControlError('bad-request', 'not a request path');
  }
  if (req.method !== 'GET' || url.pathname !== ATTACH_PATH)
    throw new ControlError('bad-request', `no such request: ${req.method} ${url.pathname} with an upgrade`);
  if (req.headers.upgrade?.toLowerCase() !== ATTACH_PROTOCOL) throw new ControlError('bad-request', `attach upgrades to ${ATTACH_PROTOCOL} only`);
  const unit = url.searchParams.get('unit');
  if (!unit) throw new ControlError('bad-request', 'attach needs unit=NAME');
  const cols = url.searchParams.get('cols');
  const rows = url.searchParams.get('rows');
  if (cols === null && rows === null) return { unit, size: undefined };
  try {
    return { unit, size: parseSize(Buffer.from(JSON.stringify({ cols: Number(cols), rows: Number(rows) }))) };
  } catch {
    throw new ControlError('bad-request', 'cols and rows must be whole numbers from 1 to 10000');
  }
}

/** Answers an attach that cannot be made with the control error, then closes. */
function refuse(socket: Duplex, err: unknown): void {
  const e = err instanceof ControlError ? err : new ControlError('internal', err instanceof Error ? err.message : String(err));
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code: e.code, message: e.message, details: e.details } });
  socket.end(
    `HTTP/1.1 ${e.httpStatus} Error\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
