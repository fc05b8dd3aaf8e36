// Help, written from the parsing table: every command's help names every flag the parser
// accepts for it (with its value name) and the global flags; `procs help` lists every command
// with one line; the forms that ask for help all print the same text on stdout, exit 0.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS, GLOBAL_FLAGS, parseArgs } from '../../src/cli/args.js';
import { commandHelp, helpText } from '../../src/cli/help.js';
import { UsageError } from '../../src/app/usage-error.js';
import { procs, specProject } from '../helpers/cli.js';

describe('help from the table', () => {
  for (const c of COMMANDS) {
    it(`procs help ${c.name}: usage, description, every flag and the global ones`, () => {
      const text = commandHelp(c.name);
      assert.match(text.split('\n')[0] ?? '', new RegExp(`^Usage: procs ${c.name}\\b`));
      assert.ok(text.includes(c.help.slice(1)), `says what ${c.name} does`);
      for (const f of [...c.flags, ...GLOBAL_FLAGS]) {
        const named = `--${f.name}`;
        assert.ok(text.includes(named), `${c.name} help names ${named}`);
        if (f.short) assert.ok(text.includes(`-${f.short}, ${named}`), `${c.name} help names -${f.short}`);
        if (f.value) assert.ok(text.includes(`${f.value}`), `${c.name} help names the value of ${named}`);
        for (const a of f.aliases ?? []) {
          assert.ok(text.includes(`--${a}`), `${c.name} help names --${a}`);
          // What the help shows the parser takes.
          assert.equal(parseArgs([c.name, `--${a}`, '1']).flags[f.name], '1');
        }
      }
    });
  }

  it('procs help lists every command with one line', () => {
    const lines = helpText('1.2.3').split('\n');
    for (const c of COMMANDS) assert.equal(lines.filter((l) => l.startsWith(`  ${c.name} `)).length, 1, c.name);
  });

  it('an unknown command is a usage error naming the closest one', () => {
    assert.throws(
      () => commandHelp('restrat'),
      (e: unknown) => e instanceof UsageError && e.message === "no command 'restrat'; did you mean 'restart'? (procs help lists them)",
    );
  });
});

describe('procs, asked for help', () => {
  const dir = specProject('version: 1\nprocesses:\n  web: { command: "true" }\n');
  const out = async (args: string[]): Promise<string> => {
    const r = procs(args, { cwd: dir });
    assert.equal(await r.exited, 0, r.text());
    assert.deepEqual(r.stderr, []);
    return r.stdout.join('\n');
  };

  it('up --help, up -h and help up print the help of up', async () => {
    const text = await out(['up', '--help']);
    assert.match(text, /^Usage: procs up \[OPTIONS\] \[UNIT…\]\n\nStart the units/);
    assert.match(text, /\n {6}--no-deps +start only the named units/);
    assert.equal(await out(['up', '-h']), text);
    assert.equal(await out(['help', 'up']), text);
  });

  it('--help, -h and help print the global help', async () => {
    const text = await out(['help']);
    assert.match(text, /\nCommands:\n {2}up {8}start the units/);
    assert.equal(await out(['--help']), text);
    assert.equal(await out(['-h']), text);
  });
});
