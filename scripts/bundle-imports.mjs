// What scripts/bundle.mjs does to each file esbuild writes, so that the command line's start
// loads as few modules, and does as little per module, as it can:
//
// - `import { readFileSync } from "node:fs"` becomes `const { readFileSync } =
//   process.getBuiltinModule("node:fs")`. An ES import of a builtin makes Node build a module
//   facade that reads every export once (for node:fs that loads its streams, ~4 ms); a shim
//   module per builtin instead (`module.exports = process.getBuiltinModule(…)`) was one more file
//   to resolve and link per builtin, and esbuild's CommonJS interop copied every export of it.
// - Comments esbuild keeps are made ASCII (`\u2014` for an em dash): esbuild writes code ASCII
//   only, but one non-ASCII character anywhere makes Node decode the file the slow way and V8
//   keep the whole source as a two-byte string (the 290 KB chunk of the spec loader had one).
// - `require`, which bundled CommonJS code needs for Node's own modules and the packages left in
//   node_modules, is made only in a file that calls it, not in every chunk.

/** One `import … from "node:…";` statement (esbuild writes them at the top, one per builtin). */
const BUILTIN_IMPORT = /^import\s+(?:([\w$]+)\s*,\s*)?(?:([\w$]+)|\*\s+as\s+([\w$]+)|\{([^}]*)\})\s+from\s+"(node:[\w/]+)";?$|^import\s+"(node:[\w/]+)";?$/gm;

/** The statements that take a builtin the way the import did. */
function takeBuiltin(defaultName, soleName, namespace, named, id) {
  const mod = `process.getBuiltinModule(${JSON.stringify(id)})`;
  const out = [];
  for (const name of [defaultName, soleName, namespace]) if (name) out.push(`const ${name} = ${mod};`);
  if (named !== undefined) {
    const pairs = named
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .map((p) => {
        const [imported, local] = p.split(/\s+as\s+/);
        return local === undefined ? imported : `${imported}: ${local}`;
      });
    out.push(`const { ${pairs.join(', ')} } = ${mod};`);
  }
  return out.join(' ');
}

/** A bundle file's text with its builtin imports taken from process.getBuiltinModule. */
export function withoutBuiltinImports(text, file) {
  let body = text.replace(BUILTIN_IMPORT, (_all, def, sole, ns, named, id, bare) =>
    bare !== undefined ? `process.getBuiltinModule(${JSON.stringify(bare)});` : takeBuiltin(def, sole, ns, named, id),
  );
  if (/^\s*import[^;]*from\s+"node:/m.test(body)) throw new Error(`${file}: a builtin import the bundle could not rewrite`);
  body = body.replace(/^(\s*(?:\/\/|\/\*|\*).*)$/gm, (line) => line.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  if (/[\u0080-\uffff]/.test(body)) throw new Error(`${file}: a character outside ASCII outside a comment`);
  // esbuild's `__require` shim and bundled CommonJS code call `require(…)`.
  if (/\brequire\s*\(/.test(body) && !/^#!/.test(body)) {
    body = `const require = process.getBuiltinModule("node:module").createRequire(import.meta.url);\n${body}`;
  }
  return body;
}
