// Memory for rendered output, used again. Each batch rendered from a unit's bytes needs a new
// buffer of a few hundred KiB; fresh memory from the system costs a page fault per 4 KiB, and
// V8 frees a Buffer only at a garbage collection, which heavy output rarely triggers: writing a
// batch into fresh memory took four times as long as into memory used before. Buffers go back to
// the pool once written, and a later batch takes the smallest that fits it; the pool keeps at most
// `maxPooled` bytes (about what is in flight to the terminal and the log files at once), and
// `clear` lets go of them all (the heap trim does, once procs is quiet).

/** Bytes taken from the pool: `release` gives them back once they are written (at most once). */
export interface PooledBytes {
  readonly bytes: Buffer;
  readonly release: () => void;
}

/** Below this, a buffer comes from Node's own pool of small buffers and is not kept. */
const MIN_POOLED = 32 * 1024;
/** Buffers are made in multiples of this. */
const STEP = 64 * 1024;
/** Above this, a buffer is made for the one use. */
const MAX_POOLED = 16 * 1024 * 1024;

export class BytePool {
  readonly maxPooled: number;
  /** Buffers free for reuse, any size. */
  #free: Buffer[] = [];
  #pooled = 0;

  constructor(maxPooled = 32 * 1024 * 1024) {
    this.maxPooled = maxPooled;
  }

  /**
   * `size` bytes (their content undefined): the smallest free buffer that holds them and is at
   * most twice their size, or a new one of `size` rounded up to 64 KiB.
   */
  take(size: number): PooledBytes {
    if (size < MIN_POOLED || size > MAX_POOLED) return { bytes: Buffer.allocUnsafe(size), release: noop };
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const len = (this.#free[i] as Buffer).length;
      if (len >= size && len <= 2 * size && (best < 0 || len < (this.#free[best] as Buffer).length)) best = i;
    }
    let whole: Buffer;
    if (best >= 0) {
      whole = this.#free[best] as Buffer;
      this.#free[best] = this.#free[this.#free.length - 1] as Buffer;
      this.#free.pop();
      this.#pooled -= whole.length;
    } else whole = Buffer.allocUnsafeSlow(Math.ceil(size / STEP) * STEP);
    let given = false;
    return {
      bytes: whole.subarray(0, size),
      release: () => {
        if (given) return;
        given = true;
        this.#give(whole);
      },
    };
  }

  /** The bytes the pool holds for reuse. */
  get pooled(): number {
    return this.#pooled;
  }

  /** Lets go of every buffer kept (the next garbage collection frees them). */
  clear(): void {
    this.#free = [];
    this.#pooled = 0;
  }

  #give(whole: Buffer): void {
    if (this.#pooled + whole.length > this.maxPooled) return;
    this.#free.push(whole);
    this.#pooled += whole.length;
  }
}

function noop(): void {}

/** The pool of procs' output renderers (the terminal and the unit log files). */
export const outputPool = new BytePool();
