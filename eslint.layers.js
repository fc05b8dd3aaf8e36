// The layering of src/, checked by ESLint (see docs/architecture.md). Folders from the bottom up:
// a folder may import only the folders below it (health/ and watch/ share a level and do not
// import each other), with the exceptions written next to each layer. Also:
// - node:child_process only in proc/ (every OS process) and app/detach.ts (the daemon launcher);
// - the pure core (runtime/, reconcile/) imports no node: module, except for types;
// - only output/ (the renderers) and cli/ name process.stdout or process.stderr;
// - preload/ sits outside the layers: programs loaded into users' Node processes, importing only
//   node: builtins and each other; no file of procs imports them (src/self.ts names their path).
// The rules apply to static imports, `export … from`, `import type` and dynamic `import()`.

/** The layers, bottom first; `level` ties folders that sit side by side. */
const LAYERS = [
  { dir: 'base', level: 1, what: 'shared small pieces below everything' },
  { dir: 'config', level: 2, what: 'the spec' },
  { dir: 'events', level: 3, what: 'event types, the bus and the event log' },
  { dir: 'reconcile', level: 4, what: 'the plan (pure)' },
  { dir: 'runtime', level: 5, what: 'the pure core' },
  { dir: 'proc', level: 6, what: 'every OS process' },
  { dir: 'health', level: 7, what: 'health probes' },
  { dir: 'watch', level: 7, what: 'file watching' },
  { dir: 'output', level: 8, what: 'the renderers' },
  { dir: 'rundir', level: 9, what: 'the files under .procs/' },
  { dir: 'control', level: 10, what: 'the socket API, server and client' },
  { dir: 'dashboard', level: 11, what: "the web dashboard's HTTP server, over the control API" },
  { dir: 'app', level: 12, what: 'the running project' },
  { dir: 'export', level: 13, what: 'pure exporters' },
  { dir: 'cli', level: 14, what: 'argument parsing and one file per command' },
];

/** Folders a layer may not import although they sit below it, with the reason. */
const EXTRA = {
  health: { proc: 'health probes reach processes only through the ports they are given (runtime/)' },
  watch: { proc: 'watch builds reach processes only through the ports they are given (runtime/)' },
  export: Object.fromEntries(
    ['runtime', 'proc', 'health', 'watch', 'output', 'rundir', 'control', 'dashboard', 'app'].map((d) => [
      d,
      'exporters are pure: they read the spec (config/) only',
    ]),
  ),
};

/** Why a layer may not import the ones above it, when there is more to say than the order. */
const WHY_UP = {
  base: 'base/ sits below everything and imports nothing of procs',
  runtime: 'the core stays pure: it reaches processes, output and the socket only through the ports it is given',
  reconcile: 'the plan is pure',
  control: 'control/ is the socket API only: app/ drives it, never the reverse',
  dashboard: 'the dashboard reaches the project only through the ControlApi and the source app/ gives it',
  app: 'cli/ parses arguments and calls app/, never the reverse',
};

/** Folders outside the layers, which no layer imports, with what they are. */
const STANDALONE = {
  preload: "a program loaded into users' Node processes (`procs/listen`), not a module of procs; src/self.ts names its file",
};

/** Restrictions on importing the standalone folders, for the files of `who`. */
const standaloneFolders = (who, regexOf = folderRegex) =>
  Object.entries(STANDALONE).map(([dir, what]) => [regexOf(dir), `${who} may not import ${dir}/: ${what}`]);

/** Layers that are pure: no node: module except for types. */
const PURE = new Set(['runtime', 'reconcile']);
/** Layers that may not import src/self.ts (where procs' own files are on disk). */
const NO_SELF = new Set(['base', 'reconcile', 'runtime']);

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

// The regex of a relative import of folder `dir` from one folder below src/ (or deeper).
const folderRegex = (dir) => `^(\\.\\./)+${esc(dir)}(/|$)`;

/** The restrictions of one layer: [regex, message] pairs for the folders it may not import. */
function forbiddenFolders(layer) {
  const out = [];
  const allowed = LAYERS.filter((l) => l.level < layer.level && !EXTRA[layer.dir]?.[l.dir]).map((l) => `${l.dir}/`);
  const may = allowed.length === 0 ? 'nothing of procs' : allowed.join(', ');
  for (const other of LAYERS) {
    if (other.dir === layer.dir) continue;
    const extra = EXTRA[layer.dir]?.[other.dir];
    let why;
    if (extra !== undefined) why = extra;
    else if (other.level > layer.level) why = WHY_UP[layer.dir] ?? `${other.dir}/ (${other.what}) sits above ${layer.dir}/ (${layer.what})`;
    else if (other.level === layer.level) why = `${other.dir}/ and ${layer.dir}/ sit side by side and do not import each other`;
    else continue;
    out.push([folderRegex(other.dir), `${layer.dir}/ may not import ${other.dir}/: ${why}. ${layer.dir}/ may import ${may}.`]);
  }
  out.push(...standaloneFolders(`${layer.dir}/`));
  if (NO_SELF.has(layer.dir)) {
    out.push(['^(\\.\\./)+self(\\.js)?$', `${layer.dir}/ may not import self.ts: where procs' files lie on disk is for the layers that start processes`]);
  }
  return out;
}

const CHILD_PROCESS_MESSAGE =
  'node:child_process belongs in proc/ (every OS process) and app/detach.ts (the daemon launcher): start processes through the ports proc/ implements';

/**
 * The flat-config objects for src/, given Node's builtin module names (node:module's
 * builtinModules). Later objects replace earlier ones for the files they match.
 */
export function layerConfigs(builtinModules) {
  const bare = builtinModules.filter((m) => !m.startsWith('node:') && !m.startsWith('_'));
  const configs = [];
  const rulesFor = (layer, { childProcess, terminal }) => {
    const folders = layer === undefined ? standaloneFolders('src/*.ts', (dir) => `^\\./${esc(dir)}(/|$)`) : forbiddenFolders(layer);
    const pure = layer !== undefined && PURE.has(layer.dir);
    const paths = [];
    const patterns = folders.map(([regex, message]) => ({ regex, message }));
    if (pure) {
      const message = `${layer.dir}/ is pure: no node: module except for types (side effects live in proc/, rundir/, output/ and the layers above)`;
      patterns.push({ regex: '^node:', message, allowTypeImports: true });
      for (const name of bare) paths.push({ name, message, allowTypeImports: true });
    } else if (!childProcess) {
      for (const name of ['node:child_process', 'child_process']) paths.push({ name, message: CHILD_PROCESS_MESSAGE, allowTypeImports: true });
    }
    const rules = {
      '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }],
      // Dynamic import() escapes no-restricted-imports: the same folder rules, as syntax.
      'no-restricted-syntax': [
        'error',
        ...folders.map(([regex, message]) => ({ selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\/')}/]`, message })),
      ],
    };
    if (!terminal) {
      const message = `only output/ (the renderers) and cli/ write to the terminal: ${layer === undefined ? 'this file' : `${layer.dir}/`} gets a Writable or a sink from its caller`;
      rules['no-restricted-properties'] = ['error', { object: 'process', property: 'stdout', message }, { object: 'process', property: 'stderr', message }];
    }
    return rules;
  };
  for (const layer of LAYERS) {
    const terminal = layer.dir === 'output' || layer.dir === 'cli';
    configs.push({ files: [`src/${layer.dir}/**/*.ts`], rules: rulesFor(layer, { childProcess: layer.dir === 'proc', terminal }) });
  }
  const app = LAYERS.find((l) => l.dir === 'app');
  const proc = LAYERS.find((l) => l.dir === 'proc');
  configs.push(
    { files: ['src/*.ts'], rules: rulesFor(undefined, { childProcess: false, terminal: false }) },
    { files: ['src/app/detach.ts'], rules: rulesFor(app, { childProcess: true, terminal: false }) },
    { files: ['src/proc/pipeline-runner.ts'], rules: rulesFor(proc, { childProcess: true, terminal: true }) },
  );
  configs.push({ files: ['src/preload/**/*.ts', 'src/preload/**/*.cts'], rules: preloadRules() });
  return configs;
}

const PRELOAD_MESSAGE =
  "preload/ is loaded into users' Node processes: it imports only node: builtins (best through process.getBuiltinModule, when needed) and files of its own folder, nothing of procs and no package";

/** preload/: node: builtins and its own folder only, no child_process, no terminal. */
function preloadRules() {
  const terminal = 'preload/ writes nothing to the terminal of the program it is loaded into';
  return {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        paths: ['node:child_process', 'child_process'].map((name) => ({ name, message: CHILD_PROCESS_MESSAGE, allowTypeImports: true })),
        patterns: [{ regex: '^(?!node:|\\./)', message: PRELOAD_MESSAGE }],
      },
    ],
    'no-restricted-syntax': ['error', { selector: 'ImportExpression[source.value=/^(?!node:|\\.\\/)/]', message: PRELOAD_MESSAGE }],
    'no-restricted-properties': [
      'error',
      { object: 'process', property: 'stdout', message: terminal },
      { object: 'process', property: 'stderr', message: terminal },
    ],
  };
}
