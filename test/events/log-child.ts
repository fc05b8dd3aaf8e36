// Run under `ulimit -f`: appends far more than the limit allows and prints what happened.

import { EventLog } from '../../src/events/log.js';

const dir = process.argv[2] ?? '.procs';
const errors: string[] = [];
let threw = false;
const log = new EventLog(dir, { onError: (e) => errors.push((e as NodeJS.ErrnoException).code ?? e.message) });
try {
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 200; i++) {
      const n = round * 200 + i;
      log.append({ ts: new Date(0).toISOString(), unit: `u${n}`, type: 'reload', actions: ['y'.repeat(n % 50)] });
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await log.close();
} catch {
  threw = true;
}
process.stdout.write(JSON.stringify({ errors, threw }));
