// The text `procs init` writes: a commented procs.yaml made from a Procfile's lines or from the
// `scripts` of a package.json, or a small example when there is neither. Pure: texts in, text out.

export type InitSource = 'procfile' | 'package';

export interface InitInput {
  /** The Procfile's text, when there is one. */
  readonly procfile?: string | undefined;
  /** The `scripts` of package.json, when there are any. */
  readonly scripts?: Readonly<Record<string, string>> | undefined;
  /** `--from`: the one source to read; by default the Procfile when there is one. */
  readonly from?: InitSource | undefined;
}

export interface InitSpec {
  readonly text: string;
  /** Where the units came from (undefined for the example). */
  readonly source: InitSource | undefined;
  /** The units written, in order. */
  readonly units: readonly string[];
}

/** The same lines the Procfile reader takes (config/procfile.ts). */
const PROCFILE_LINE = /^([A-Za-z0-9_-]+):[ \t]*(.*)$/;
const PROCFILE_BASE_PORT = 5000;

/** The spec text for what is in the folder; the caller has checked that a source asked for exists. */
export function initSpec(input: InitInput): InitSpec {
  const source = input.from ?? (input.procfile !== undefined ? 'procfile' : input.scripts !== undefined ? 'package' : undefined);
  if (source === 'procfile' && input.procfile !== undefined) return fromProcfile(input.procfile, input.scripts);
  if (source === 'package' && input.scripts !== undefined) {
    const made = fromScripts(input.scripts);
    if (made) return made;
  }
  return example(input.scripts);
}

const HEADER = [
  '# procs.yaml: the processes this project runs. `procs up` starts them, `procs validate` checks',
  '# this file, `procs config` shows it resolved. The schema (`procs schema`) lists every key.',
];

/** One process per Procfile line, with foreman's PORT (5000, 5100, …). */
function fromProcfile(text: string, scripts: InitInput['scripts']): InitSpec {
  const lines = [...HEADER, '# Made from the Procfile: one process per line, each with the PORT foreman would give it.', 'processes:'];
  const units: string[] = [];
  let index = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const m = line.startsWith('#') ? null : PROCFILE_LINE.exec(line);
    if (!m?.[1] || !m[2]?.trim()) continue;
    const name = unitName(m[1], units);
    const port = PROCFILE_BASE_PORT + 100 * index++;
    if (name === undefined) continue;
    units.push(name);
    // `$$`: the Procfile's `$PORT` and `${VAR}` are the shell's, as foreman runs them.
    lines.push(`  ${name}:`, `    command: ${quote(m[2].trim().replaceAll('$', '$$$$'))}`, `    env:`, `      PORT: ${port}`);
  }
  if (units.length === 0) return example(scripts);
  if (text.includes('$')) lines.splice(HEADER.length + 1, 0, '# A `$$` passes one `$` to the shell: procs itself reads `${VAR}` in a command.');
  if (scripts && Object.keys(scripts).length > 0) lines.push(...otherScripts(scripts, [], '`procs init --from package` makes the spec from them instead'));
  return { text: lines.join('\n') + '\n', source: 'procfile', units };
}

/**
 * From package.json scripts: `dev` (else `start`) as the long-running process, and `build`, when
 * `start` is the one, as a step that must complete first. Other scripts are listed in a comment.
 */
function fromScripts(scripts: Readonly<Record<string, string>>): InitSpec | undefined {
  const main = Object.hasOwn(scripts, 'dev') ? 'dev' : Object.hasOwn(scripts, 'start') ? 'start' : undefined;
  if (main === undefined) return undefined;
  const build = main === 'start' && Object.hasOwn(scripts, 'build');
  const lines = [...HEADER, '# Made from the scripts of package.json, each run with `npm run`.', 'processes:'];
  if (build) {
    lines.push(
      '  # `build` runs once, before `start` (which waits for it to complete); it is not restarted.',
      '  build:',
      '    command: npm run build',
      '    restart: never',
    );
  }
  lines.push(
    main === 'dev'
      ? '  # The `dev` script, restarted if it fails. A readiness probe lets other units wait for it, e.g.\n  #   health: { readiness: { http: "http://127.0.0.1:3000/" } }'
      : '  # The `start` script, restarted if it fails.',
    `  ${main}:`,
    `    command: npm run ${main}`,
  );
  if (build) lines.push('    depends_on:', '      build: completed');
  const used = build ? ['build', main] : [main];
  lines.push(...otherScripts(scripts, used, 'add one as a process with `command: npm run NAME`'));
  return { text: lines.join('\n') + '\n', source: 'package', units: used };
}

/** A comment naming the scripts not used. */
function otherScripts(scripts: Readonly<Record<string, string>>, used: readonly string[], what: string): string[] {
  const rest = Object.keys(scripts).filter((s) => !used.includes(s));
  if (rest.length === 0) return [];
  return ['', `# Scripts of package.json not used here: ${rest.join(', ').replace(/[\r\n]/g, ' ')}.`, `# ${what[0]?.toUpperCase() ?? ''}${what.slice(1)}.`];
}

/** A minimal example, commented. */
function example(scripts: InitInput['scripts']): InitSpec {
  const lines = [
    ...HEADER,
    '# No Procfile or `dev`/`start` script was found here: this example shows the usual keys.',
    'processes:',
    '  web:',
    '    command: node server.js',
    '    env:',
    '      PORT: 3000',
    '    # Other units can wait for this one to answer: depends_on: { web: healthy }',
    '    health:',
    '      readiness:',
    '        http: http://127.0.0.1:3000/',
    '    # Restart when these files change.',
    '    watch: ["src/**/*.js"]',
  ];
  if (scripts && Object.keys(scripts).length > 0) lines.push(...otherScripts(scripts, [], 'run one with `command: npm run NAME`'));
  return { text: lines.join('\n') + '\n', source: undefined, units: ['web'] };
}

/** A Procfile name as a unit name (lower case; the spec's names are `[a-z0-9][a-z0-9_-]*`); undefined when taken. */
function unitName(name: string, taken: readonly string[]): string | undefined {
  let n = name.toLowerCase();
  if (!/^[a-z0-9]/.test(n)) n = `p${n}`;
  return taken.includes(n) ? undefined : n;
}

/** A YAML scalar for a string: plain when that reads back the same, else double-quoted (JSON's form is YAML's). */
export function quote(text: string): string {
  const plain = /^[A-Za-z0-9_./][A-Za-z0-9 _./=+,-]*$/.test(text) && !text.endsWith(' ') && !/^(true|false|null|yes|no|on|off|~|[0-9._+-]+)$/i.test(text);
  return plain ? text : JSON.stringify(text);
}
