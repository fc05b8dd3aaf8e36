// Exit codes of procs itself, as the contract names them; one place maps outcomes to numbers.
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  internal: 70,
} as const;
