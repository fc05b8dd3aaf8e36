// Memory for rendered output, used again. Each batch rendered from a unit's bytes needs a new
// buffer of a few hundred KiB; fresh memory from the system costs a page fault per 4 KiB, and
// V8 frees a Buffer only at a garbage collection, which heavy output rarely triggers: writing a
// batch into fresh memory took four times as long as into memory used before. Buffers come in
// sizes of powers of two and go back to the pool once written; the pool keeps at most
// `maxPooled` bytes, and `clear` lets go of them all (the heap trim does, once procs is quiet).

/** Bytes taken from the pool: `release` gives them back once they are written (at most once). */
export interface PooledBytes {
  readonly bytes: Buffer;
  readonly release: () => void;
}

/** Below this, a buffer comes from Node's own pool of small buffers and is not kept. */
const MIN_CLASS = 64 * 1024;
/** Above this, a buffer is made for the one use. */
const MAX_CLASS = 16 * 1024 * 1024;

export class BytePool {
  readonly maxPooled: number;
  readonly #free = new Map<number, Buffer[]>();
  #pooled = 0;

  constructor(maxPooled = 8 * 1024 * 1024) {
    this.maxPooled = maxPooled;
  }

  /** `size` bytes (their content undefined), from the pool when it has a buffer of that size class. */
  take(size: number): PooledBytes {
    if (size < MIN_CLASS / 2 || size > MAX_CLASS) return { bytes: Buffer.allocUnsafe(size), release: noop };
    const cls = classOf(size);
    const kept = this.#free.get(cls)?.pop();
    if (kept !== undefined) this.#pooled -= cls;
    const whole = kept ?? Buffer.allocUnsafeSlow(cls);
    let given = false;
    return {
      bytes: whole.subarray(0, size),
      release: () => {
        if (given) return;
        given = true;
        this.#give(cls, whole);
      },
    };
  }

  /** The bytes the pool holds for reuse. */
  get pooled(): number {
    return this.#pooled;
  }

  /** Lets go of every buffer kept (the next garbage collection frees them). */
  clear(): void {
    this.#free.clear();
    this.#pooled = 0;
  }

  #give(cls: number, whole: Buffer): void {
    if (this.#pooled + cls > this.maxPooled) return;
    let list = this.#free.get(cls);
    if (list === undefined) this.#free.set(cls, (list = []));
    list.push(whole);
    this.#pooled += cls;
  }
}

/** The power of two at or above `size`, at least MIN_CLASS. */
function classOf(size: number): number {
  let cls = MIN_CLASS;
  while (cls < size) cls *= 2;
  return cls;
}

function noop(): void {}

/** The pool of procs' output renderers (the terminal and the unit log files). */
export const outputPool = new BytePool();
