// The frames of an attach connection, after the HTTP upgrade: one type byte, a 4-byte big-endian
// payload length, the payload. The client sends keystrokes (or stdin text), window sizes and a
// detach; the server sends the unit's output and notices (JSON: attached, exited, restarted,
// dropped, ended). A frame that breaks these rules ends the connection that sent it, nothing else.

export const FRAME = {
  /** Client → server: bytes for the unit (keystrokes, or text for its stdin). */
  input: 0x01,
  /** Client → server: the client's window size, JSON `{ cols, rows }`. */
  resize: 0x02,
  /** Client → server: the client leaves; the unit runs on. */
  detach: 0x03,
  /** Server → client: the unit's output. */
  output: 0x11,
  /** Server → client: a notice, JSON (see AttachNotice in api.ts). */
  notice: 0x12,
} as const;

export type FrameType = (typeof FRAME)[keyof typeof FRAME];

const HEADER = 5;
/** The largest payload taken from a client or a server (64 KiB): a larger one is a broken peer. */
export const MAX_PAYLOAD = 64 * 1024;

export interface Frame {
  readonly type: number;
  readonly payload: Buffer;
}

/** One frame's bytes. */
export function encodeFrame(type: FrameType, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const head = Buffer.allocUnsafe(HEADER);
  head.writeUInt8(type, 0);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/** Frames out of a byte stream in any pieces; `push` throws on a frame no peer of procs sends. */
export class FrameReader {
  readonly #accepted: ReadonlySet<number>;
  #buffered: Buffer = Buffer.alloc(0);

  /** `accepted`: the frame types this side takes. */
  constructor(accepted: readonly number[]) {
    this.#accepted = new Set(accepted);
  }

  /** The whole frames the bytes so far complete. */
  push(chunk: Buffer): Frame[] {
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    const frames: Frame[] = [];
    let at = 0;
    while (this.#buffered.length - at >= HEADER) {
      const type = this.#buffered.readUInt8(at);
      const length = this.#buffered.readUInt32BE(at + 1);
      if (!this.#accepted.has(type)) throw new Error(`unknown frame type 0x${type.toString(16).padStart(2, '0')}`);
      if (length > MAX_PAYLOAD) throw new Error(`frame of ${length} bytes, more than ${MAX_PAYLOAD}`);
      if (this.#buffered.length - at - HEADER < length) break;
      frames.push({ type, payload: Buffer.from(this.#buffered.subarray(at + HEADER, at + HEADER + length)) });
      at += HEADER + length;
    }
    this.#buffered = at === 0 ? this.#buffered : Buffer.from(this.#buffered.subarray(at));
    return frames;
  }
}

/** A window size out of a resize frame's JSON; throws when it is not one. */
export function parseSize(payload: Buffer): { cols: number; rows: number } {
  let v: unknown;
  try {
    v = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new Error('resize frame is not JSON');
  }
  const { cols, rows } = (typeof v === 'object' && v !== null ? v : {}) as { cols?: unknown; rows?: unknown };
  if (!isDimension(cols) || !isDimension(rows)) throw new Error('resize frame needs cols and rows, whole numbers from 1 to 10000');
  return { cols, rows };
}

function isDimension(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 10_000;
}
