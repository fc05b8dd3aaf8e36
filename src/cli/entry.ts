#!/usr/bin/env node
// The first code the `procs` command runs (the bundle's dist/bin/procs.js is this file). It
// imports nothing, so it runs on any Node: on one older than procs supports, every command says
// so in one line and exits 2, before a module that needs a newer Node is linked. Then it loads
// the real command line (main.ts).
const FLOOR = [22, 22] as const;

const current = process.versions.node;
const [major = 0, minor = 0] = current.split('.').map(Number);
if (major < FLOOR[0] || (major === FLOOR[0] && minor < FLOOR[1])) {
  process.stderr.write(`procs needs Node.js ${FLOOR.join('.')} or newer; this is ${current}\n`);
  process.exit(2);
}
await import('./main.js');
