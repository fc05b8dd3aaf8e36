// One HTTP/1.0 request over the project's Unix socket, written on node:net. The client commands
// start cold on every run, and node:http alone costs them about 20 ms to load; HTTP/1.0 needs
// none of it: no chunking, no keep-alive, the body is whatever comes until the server closes.
import { connect, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';

const HEAD_END = '\r\n\r\n';
const HEAD_LIMIT = 64 * 1024;

/** A request in flight: its status once the head arrives, then its body as text or lines. */
export class Exchange {
  /** Resolves with the status code; rejects with the connection error when there is no answer. */
  readonly status: Promise<number>;
  /** Resolves when the connection has closed (the body is complete). */
  readonly closed: Promise<void>;
  readonly #socket: Socket;
  readonly #decoder = new StringDecoder('utf8');
  #head = '';
  #inBody = false;
  #pending = '';
  #onText: ((text: string) => void) | undefined;

  /** `deadline`: when (epoch ms) the client stops waiting; the server does nothing after it. */
  constructor(socketPath: string, method: string, path: string, body?: unknown, deadline?: number) {
    const text = body === undefined ? '' : JSON.stringify(body);
    const lines = [`${method} ${path} HTTP/1.0`, 'Host: procs'];
    if (deadline !== undefined) lines.push(`X-Procs-Deadline: ${Math.round(deadline)}`);
    if (body !== undefined) lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(text)}`);
    let answered!: (n: number) => void;
    let failed!: (e: Error) => void;
    this.status = new Promise<number>((resolve, reject) => ((answered = resolve), (failed = reject)));
    this.status.catch(() => undefined);
    this.#socket = connect(socketPath, () => this.#socket.write(`${lines.join('\r\n')}${HEAD_END}${text}`));
    this.closed = new Promise((resolve) => this.#socket.once('close', () => resolve()));
    this.#socket.on('error', (err) => failed(err));
    this.#socket.on('close', () => failed(Object.assign(new Error('the connection closed before an answer'), { code: 'ECONNRESET' })));
    this.#socket.on('data', (chunk: Buffer) => this.#data(this.#decoder.write(chunk), answered, failed));
  }

  /** Hands every piece of body text to `fn`, starting with what already arrived. */
  onText(fn: (text: string) => void): void {
    this.#onText = fn;
    if (this.#pending) fn(this.#pending);
    this.#pending = '';
  }

  /** Calls `fn` with each complete line of the body. */
  onLine(fn: (line: string) => void): void {
    let tail = '';
    this.onText((text) => {
      const parts = (tail + text).split('\n');
      tail = parts.pop() ?? '';
      for (const line of parts) if (line) fn(line);
    });
  }

  /** The whole body, once the server has closed the connection. */
  async text(): Promise<string> {
    let all = '';
    this.onText((t) => (all += t));
    await this.closed;
    return all;
  }

  /** Drops the connection. */
  destroy(): void {
    this.#socket.destroy();
  }

  /** Splits the head from the body; the status line says the code. */
  #data(text: string, answered: (n: number) => void, failed: (e: Error) => void): void {
    if (this.#inBody) return this.#body(text);
    this.#head += text;
    const end = this.#head.indexOf(HEAD_END);
    if (end < 0) {
      if (this.#head.length > HEAD_LIMIT) failed(new Error('the answer has no end of headers'));
      return;
    }
    const code = Number(/^HTTP\/1\.[01] (\d{3})/.exec(this.#head)?.[1]);
    const rest = this.#head.slice(end + HEAD_END.length);
    this.#inBody = true;
    this.#head = '';
    if (!Number.isInteger(code)) return failed(new Error('not an HTTP answer'));
    answered(code);
    if (rest) this.#body(rest);
  }

  #body(text: string): void {
    if (this.#onText) this.#onText(text);
    else this.#pending += text;
  }
}
