// Fails when src/ has an import cycle between files or between folders (the folder graph is the
// file graph with each file replaced by its folder under src/). Type-only imports count: the
// layering holds for types too. Uses dependency-cruiser to read the imports (TypeScript aware).
//
//   npm run check:cycles
import { cruise } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);

const tsConfig = extractTSConfig('tsconfig.json');
const { output } = await cruise(
  ['src'],
  {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    moduleSystems: ['es6'],
  },
  { extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } },
  { tsConfig },
);

/** File → the files of src/ it imports. */
const files = new Map();
for (const m of output.modules) {
  if (!m.source.startsWith('src/')) continue;
  const deps = m.dependencies.filter((d) => d.resolved.startsWith('src/') && !d.coreModule).map((d) => d.resolved);
  files.set(m.source, [...new Set(deps)]);
  // An unresolved relative import leaves a hole in the graph: fail rather than miss a cycle.
  for (const d of m.dependencies) {
    if (d.couldNotResolve && d.module.startsWith('.')) {
      console.log(`${m.source}: cannot resolve ${d.module}`);
      process.exitCode = 1;
    }
  }
}

/** The folder of a file under src/ (`src/self.ts` is its own node). */
const folderOf = (file) => {
  const parts = file.split('/');
  return parts.length > 2 ? parts[1] : file;
};
const folders = new Map();
/** One file import that makes each folder edge, to show where to look. */
const witness = new Map();
for (const [file, deps] of files) {
  const from = folderOf(file);
  if (!folders.has(from)) folders.set(from, new Set());
  for (const dep of deps) {
    const to = folderOf(dep);
    if (to === from) continue;
    folders.get(from).add(to);
    if (!witness.has(`${from}>${to}`)) witness.set(`${from}>${to}`, `${file} → ${dep}`);
  }
}

// Tarjan's strongly connected components: every component of more than one node, or a node
// importing itself, is a cycle.
function components(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}

// One shortest cycle through `start` inside its component, for the message.
function cycleThrough(graph, start, members) {
  const prev = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        for (let p = prev.get(v); p !== undefined; p = prev.get(p)) path.unshift(p);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

const fileGraph = new Map([...files].map(([f, deps]) => [f, deps]));
const folderGraph = new Map([...folders].map(([f, deps]) => [f, [...deps]]));
const fileCycles = components(fileGraph);
const folderCycles = components(folderGraph);

for (const scc of fileCycles) {
  console.log(`file cycle (${scc.length} files): ${cycleThrough(fileGraph, scc[0], new Set(scc)).join(' → ')}`);
  if (scc.length > 2) console.log(`  all files in it: ${scc.join(', ')}`);
}
for (const scc of folderCycles) {
  const cycle = cycleThrough(folderGraph, scc[0], new Set(scc));
  console.log(`folder cycle: ${cycle.join(' → ')}`);
  for (let i = 0; i + 1 < cycle.length; i++) console.log(`  ${cycle[i]} → ${cycle[i + 1]}: ${witness.get(`${cycle[i]}>${cycle[i + 1]}`)}`);
  if (scc.length > cycle.length - 1) console.log(`  all folders in it: ${scc.join(', ')}`);
}
const count = fileCycles.length + folderCycles.length;
if (count > 0) {
  console.log(`${fileCycles.length} file cycle(s), ${folderCycles.length} folder cycle(s) in src/`);
  process.exitCode = 1;
} else {
  console.log(`no import cycle in src/ (${files.size} files, ${folders.size} folders)`);
}
