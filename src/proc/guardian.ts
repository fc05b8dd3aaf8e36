// Guarding a command procs runs itself outside the units (`procs run`'s CMD, attached.ts): a
// process host of its own (create-host.ts) guards it, the spawner when there is one, else the
// shell guardian, so that however procs ends, CMD and everything it started end too.
import { createHost } from './create-host.js';

/**
 * Guards `pid`: the group it leads, or, when it shares procs' group (on a terminal), the process
 * and its descendants. The host lives as long as its guard process; nothing is kept here.
 */
export function guardCommand(pid: number, leadsGroup: boolean): void {
  createHost({ guardian: true }).guardCommand(pid, leadsGroup);
}
