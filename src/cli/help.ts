// The help texts, written from the same table the parser reads (args.ts): the global help lists
// the commands one a line; a command's help gives its usage, what it does, its flags and the
// global ones.
import { UsageError } from '../app/usage-error.js';
import { suggest } from '../base/suggest.js';
import { COMMANDS, findCommand, GLOBAL_FLAGS, type CommandDef, type FlagDef } from './args.js';

const WIDTH = 30;

function flagLine(f: FlagDef): string {
  const names = [`--${f.name}`, ...(f.aliases ?? []).map((a) => `--${a}`)].join(', ');
  const left = `${f.short ? `-${f.short}, ` : '    '}${names}${f.value ? ` ${f.value}` : ''}`;
  return left.length >= WIDTH ? `  ${left}\n  ${''.padEnd(WIDTH)}${f.help}` : `  ${left.padEnd(WIDTH)}${f.help}`;
}

function usageOf(c: CommandDef): string {
  return ['Usage: procs', c.name, c.flags.length > 0 ? '[OPTIONS]' : '', c.args].filter((w) => w !== '').join(' ');
}

/** The global help: every command with one line. */
export function helpText(version: string): string {
  const lines = [`procs ${version} — run the processes a project needs, from one procs.yaml`, '', 'Usage: procs [-f FILE…] COMMAND [OPTIONS]', '', 'Commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(10)}${c.help}`);
  lines.push('', 'Global options:', ...GLOBAL_FLAGS.map(flagLine));
  lines.push('', "Run 'procs help COMMAND' (or 'procs COMMAND --help') for a command's options.");
  lines.push('Exit codes: 0 success or requested stop · 1 a unit failed or a wait timed out · 2 usage or spec error');
  return lines.join('\n');
}

/** The help of one command; an unknown name is a usage error naming the closest command. */
export function commandHelp(name: string): string {
  const c = findCommand(name);
  if (!c) {
    const hint = suggest(
      name,
      COMMANDS.map((x) => x.name),
    );
    throw new UsageError(`no command '${name}'${hint ? `; did you mean '${hint}'?` : ''} (procs help lists them)`);
  }
  const lines = [usageOf(c), '', `${c.help.charAt(0).toUpperCase()}${c.help.slice(1)}.`];
  if (c.flags.length > 0) lines.push('', 'Options:', ...c.flags.map(flagLine));
  if (c.notes && c.notes.length > 0) lines.push('', ...c.notes);
  lines.push('', 'Global options:', ...GLOBAL_FLAGS.map(flagLine));
  return lines.join('\n');
}
