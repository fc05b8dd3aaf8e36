// A unit that does not read its input costs procs a bounded amount: keystrokes (or stdin text)
// past INPUT_BACKLOG queued are dropped, and a window size sent meanwhile is kept to be sent, the
// latest only, once the pipe drains.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { INPUT_BACKLOG, RawOutput, unitInput } from '../../src/proc/unit-io.js';

/** A pipe whose reader takes nothing until `drain()`; `taken` is what it has read. */
function stuckPipe(): { writer: Writable; taken: Buffer[]; drain: () => void } {
  const taken: Buffer[] = [];
  const held: (() => void)[] = [];
  let flowing = false;
  const writer = new Writable({
    write(chunk: Buffer, _enc, done) {
      taken.push(chunk);
      if (flowing) done();
      else held.push(done);
    },
  });
  return {
    writer,
    taken,
    drain: () => {
      flowing = true;
      held.splice(0).forEach((done) => done());
    },
  };
}

describe('unit input backlog', () => {
  for (const tty of [true, false]) {
    it(`keeps at most ${INPUT_BACKLOG} bytes for a unit that does not read (${tty ? 'terminal' : 'stdin pipe'})`, async () => {
      const pipe = stuckPipe();
      const input = unitInput(tty, pipe.writer, new RawOutput(), new Promise(() => undefined));
      let refused = 0;
      for (let i = 0; i < 1000; i++) if (!input.write(Buffer.alloc(1024, 0x61))) refused += 1;
      assert.ok(pipe.writer.writableLength <= INPUT_BACKLOG + 2048, `queued ${pipe.writer.writableLength} bytes`);
      assert.ok(refused > 900, `keystrokes past the bound were refused (${refused})`);
      if (!tty) return;
      input.resize({ cols: 90, rows: 20 });
      input.resize({ cols: 100, rows: 30 });
      pipe.drain();
      await new Promise((r) => setImmediate(r));
      const last = pipe.taken.at(-1);
      assert.equal(last?.toString('latin1', 0, 1), 'w', 'the window size went once the pipe drained');
      assert.deepEqual([last?.readUInt16BE(5), last?.readUInt16BE(7)], [100, 30], 'the latest size');
      assert.equal(pipe.taken.filter((b) => b.toString('latin1', 0, 1) === 'w').length, 1, 'only the latest size');
    });
  }
});
