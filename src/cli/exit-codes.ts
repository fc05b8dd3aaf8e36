// Exit codes of procs itself, as the contract names them; one place maps outcomes to numbers.
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  internal: 70,
} as const;

/** The status a shell reports for a process: its code, or 128+N for signal N. */
export function statusOf(exit: { readonly status: number }): number {
  return exit.status;
}
