// A Procfile read as a spec, with foreman's conventions: each `name: command` line is a process run
// through the shell exactly as written, and any other line is skipped (foreman and honcho skip it
// silently; procs warns, positioned); `-m` sets instance counts (an entry with a count other than
// 1 becomes a pool, 0 means not run); PORT = 5000 + 100 × entry index + instance index.
import { checkFormation, formationCount } from './checks.js';
import type { Diagnostics } from './diagnostics.js';
import type { SourcePos } from './spec.js';
import type { Entry, LNode, MapNode } from './tree.js';

const PROCFILE_BASE_PORT = 5000;
const LINE = /^([A-Za-z0-9_-]+):[ \t]*(.*)$/;

/** True for `Procfile` and its variants (`Procfile.dev`). */
export function isProcfile(file: string): boolean {
  return /(^|[\\/])Procfile(\.[^\\/]*)?$/.test(file);
}

/** The spec tree a Procfile stands for, or undefined when it has errors (a duplicate name, an empty command). */
export function procfileTree(file: string, text: string, formation: Readonly<Record<string, number>> | undefined, diags: Diagnostics): LNode | undefined {
  const at = (line: number, col: number): SourcePos => ({ file, line, col });
  const processes = new Map<string, Entry>();
  const pools = new Map<string, Entry>();
  const names: string[] = [];
  const before = diags.errorCount();
  text.split(/\r?\n/).forEach((raw, i) => {
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = LINE.exec(line);
    if (!m) {
      diags.warn(at(i + 1, indent + 1), 'line skipped: a Procfile line is `name: command`, the name of letters, digits, - and _');
      return;
    }
    const [, name = '', command = ''] = m;
    const keyPos = at(i + 1, indent + 1);
    const cmdPos = at(i + 1, indent + 1 + line.indexOf(command, name.length + 1));
    if (names.includes(name)) {
      diags.error(keyPos, `duplicate name \`${name}\` in the Procfile`);
      return;
    }
    if (command.trim() === '') diags.error(keyPos, `empty command for \`${name}\``);
    const port = PROCFILE_BASE_PORT + 100 * names.length;
    names.push(name);
    const count = formationCount(formation, name) ?? 1;
    // `$` doubled: Procfile lines reach the shell as written, never interpolated.
    const fields: [string, LNode][] = [['command', scalar(cmdPos, command.replaceAll('$', '$$$$'))]];
    if (count === 1) {
      fields.push(['env', map(cmdPos, [['PORT', scalar(cmdPos, String(port))]])]);
      processes.set(name, { keyPos, value: map(keyPos, fields) });
    } else {
      fields.push(['replicas', scalar(cmdPos, count)], ['port', scalar(cmdPos, port)]);
      pools.set(name, { keyPos, value: map(keyPos, fields) });
    }
  });
  if (formation) checkFormation(formation, names, new Map(), diags, 'Procfile entry');
  if (diags.errorCount() > before) return undefined;
  const top: [string, LNode][] = [];
  if (processes.size > 0) top.push(['processes', { kind: 'map', pos: at(1, 1), entries: processes }]);
  if (pools.size > 0) top.push(['pools', { kind: 'map', pos: at(1, 1), entries: pools }]);
  return map(at(1, 1), top);
}

/** A scalar node at a position. */
function scalar(pos: SourcePos, value: string | number): LNode {
  return { kind: 'scalar', pos, value };
}

/** A map node whose keys all sit at its own position. */
function map(pos: SourcePos, fields: readonly [string, LNode][]): MapNode {
  return { kind: 'map', pos, entries: new Map(fields.map(([k, value]) => [k, { keyPos: pos, value }])) };
}
