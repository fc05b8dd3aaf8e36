// Run under `ulimit -f`: appends far more than the limit allows and prints what happened.
// With "bytes" after the folder, appends lines to `out.log` as Buffers of several lines each,
// a string now and then between them (as unit logs do), so that they go out in one writev.

import { join } from 'node:path';
import { AppendFile } from '../../src/events/append-file.js';
import { EventLog } from '../../src/events/log.js';

const dir = process.argv[2] ?? '.procs';
const bytes = process.argv[3] === 'bytes';
const errors: string[] = [];
let threw = false;
const onError = (e: Error): void => void errors.push((e as NodeJS.ErrnoException).code ?? e.message);
const log = bytes ? undefined : new EventLog(dir, { onError });
const file = bytes ? new AppendFile(join(dir, 'out.log'), { onError }) : undefined;
try {
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 200; i++) {
      const n = round * 200 + i;
      if (file) {
        const lines = [0, 1, 2].map((k) => `line ${n}.${k} ${'y'.repeat(n % 50)}\n`).join('');
        file.append(i % 7 === 3 ? lines : Buffer.from(lines));
      } else log?.append({ ts: new Date(0).toISOString(), unit: `u${n}`, type: 'reload', actions: ['y'.repeat(n % 50)] });
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await (file ?? log)?.close();
} catch {
  threw = true;
}
process.stdout.write(JSON.stringify({ errors, threw }));
