// A one-shot setup step: prepares a scratch folder, then exits 0 so its dependents start.
import { mkdirSync } from 'node:fs';

mkdirSync('.procs/example-data', { recursive: true });
console.log('prepared .procs/example-data');
