// A Server-Sent Events reader for tests (Node has no EventSource): GET /api/stream, messages
// parsed as the spec says (fields `id`, `event`, `data`; a blank line ends a message; comments
// start with a colon), and waiting for a message the test expects.
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';

export interface SseMessage {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: unknown;
}

export interface SseStream {
  readonly messages: SseMessage[];
  readonly response: IncomingMessage;
  /** The `retry` the server asked for, once seen. */
  retry: number | undefined;
  /** Resolves with the first message (from the start) matching; rejects if the stream ends first or after `ms`. */
  waitFor(match: (m: SseMessage) => boolean, ms?: number): Promise<SseMessage>;
  /** Resolves once the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/** Opens the stream of the dashboard on `port` with the session `cookie`. */
export function openStream(port: number, cookie: string, lastEventId?: string): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { cookie, accept: 'text/event-stream' };
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    const req: ClientRequest = httpRequest({ host: '127.0.0.1', port, path: '/api/stream', headers, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`stream answered ${res.statusCode}`));
        res.resume();
        return;
      }
      const messages: SseMessage[] = [];
      const waiters: { match: (m: SseMessage) => boolean; resolve: (m: SseMessage) => void; reject: (e: Error) => void }[] = [];
      let buffer = '';
      let fields: { event?: string; id?: string; data: string[] } = { data: [] };
      let endedResolve!: () => void;
      const ended = new Promise<void>((r) => (endedResolve = r));
      const stream: SseStream = {
        messages,
        response: res,
        retry: undefined,
        ended,
        waitFor(match, ms = 20_000) {
          const found = messages.find(match);
          if (found) return Promise.resolve(found);
          return new Promise((res2, rej) => {
            const timer = setTimeout(() => rej(new Error(`no such message within ${ms}ms; got ${messages.length}`)), ms);
            waiters.push({
              match,
              resolve: (m) => (clearTimeout(timer), res2(m)),
              reject: (e) => (clearTimeout(timer), rej(e)),
            });
          });
        },
        close: () => req.destroy(),
      };
      const dispatch = (): void => {
        if (fields.data.length === 0) {
          fields = { data: [] };
          return;
        }
        const m: SseMessage = { event: fields.event ?? 'message', id: fields.id, data: JSON.parse(fields.data.join('\n')) as unknown };
        fields = { data: [] };
        messages.push(m);
        for (const w of [...waiters]) {
          if (w.match(m)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(m);
          }
        }
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          const line = buffer.slice(0, nl).replace(/\r$/, '');
          buffer = buffer.slice(nl + 1);
          if (line === '') dispatch();
          else if (line.startsWith(':')) continue;
          else {
            const colon = line.indexOf(':');
            const name = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (name === 'data') fields.data.push(value);
            else if (name === 'event') fields.event = value;
            else if (name === 'id') fields.id = value;
            else if (name === 'retry') stream.retry = Number(value);
          }
        }
      });
      const end = (): void => {
        endedResolve();
        for (const w of waiters.splice(0)) w.reject(new Error(`the stream ended; got ${messages.length} messages`));
      };
      res.on('end', end);
      res.on('close', end);
      res.on('error', end);
      resolve(stream);
    });
    req.on('error', reject);
    req.end();
  });
}
