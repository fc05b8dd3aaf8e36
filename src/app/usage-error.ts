// A command asked for something that cannot be done as asked (a bad value, an unknown unit):
// nothing was changed, and procs exits 2 (see exit-codes.ts).
export class UsageError extends Error {}
