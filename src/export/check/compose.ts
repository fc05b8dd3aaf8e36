// The offline check of a compose export: the compose-spec JSON schema (a copy of the one dclint
// ships, bundled, so procs needs neither at run time) and procs' own rules the schema cannot
// say: every depends_on names a service, and the paths compose resolves (build context and
// Dockerfile, bind sources, env files, watched paths) are relative, so the folder can move.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import path from 'node:path';
import { parse } from 'yaml';
import type { ExportFile } from '../types.js';
import schema from './compose.schema.json' with { type: 'json' };
import type { CheckReport } from './types.js';

const SCHEMA_CHECKER = 'compose-spec JSON schema and procs rules';
const DOCKERFILE_CHECKER = 'procs Dockerfile rules';

let validate: ValidateFunction | undefined;

/** The compiled schema, made once. */
function validator(): ValidateFunction {
  if (!validate) {
    const { $schema: _draft, ...rest } = schema as Record<string, unknown>;
    validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(rest);
  }
  return validate;
}

/** One schema error as a line: where, what, and the property at fault when there is one. */
function errorText(e: ErrorObject): string {
  const params = e.params as { additionalProperty?: unknown };
  const extra = typeof params.additionalProperty === 'string' ? ` (${params.additionalProperty})` : '';
  return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`;
}

/** The errors of a compose document against the compose-spec JSON schema. */
export function composeSchemaProblems(doc: unknown): string[] {
  const check = validator();
  return check(doc) ? [] : [...new Set((check.errors ?? []).map(errorText))];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A path compose reads that must be relative to the compose file's folder. */
function relativePath(problems: string[], where: string, value: unknown): void {
  if (typeof value === 'string' && (path.posix.isAbsolute(value) || path.win32.isAbsolute(value)))
    problems.push(`${where}: ${value} is absolute; the export writes paths relative to its folder`);
}

/** The dependency names of a service's depends_on (a list or a map). */
function dependencyNames(deps: unknown): string[] {
  if (Array.isArray(deps)) return deps.filter((d): d is string => typeof d === 'string');
  return isObj(deps) ? Object.keys(deps) : [];
}

/** procs' own rules over a compose document's services. */
export function composeRuleProblems(doc: unknown): string[] {
  const problems: string[] = [];
  const services = isObj(doc) && isObj(doc.services) ? doc.services : {};
  for (const [name, svc] of Object.entries(services)) {
    if (!isObj(svc)) continue;
    const at = `/services/${name}`;
    for (const dep of dependencyNames(svc.depends_on)) if (!(dep in services)) problems.push(`${at}/depends_on: no service ${dep}`);
    if (isObj(svc.build)) {
      relativePath(problems, `${at}/build/context`, svc.build.context);
      relativePath(problems, `${at}/build/dockerfile`, svc.build.dockerfile);
    } else relativePath(problems, `${at}/build`, svc.build);
    if (!svc.build && typeof svc.image !== 'string') problems.push(`${at}: neither build nor image: nothing to run`);
    const envFiles: unknown[] = Array.isArray(svc.env_file) ? svc.env_file : [svc.env_file];
    envFiles.forEach((f, i) => relativePath(problems, `${at}/env_file/${i}`, isObj(f) ? f.path : f));
    if (Array.isArray(svc.volumes))
      svc.volumes.forEach((v, i) => isObj(v) && v.type === 'bind' && relativePath(problems, `${at}/volumes/${i}/source`, v.source));
    const watch = isObj(svc.develop) && Array.isArray(svc.develop.watch) ? svc.develop.watch : [];
    watch.forEach((w, i) => isObj(w) && relativePath(problems, `${at}/develop/watch/${i}/path`, w.path));
  }
  return problems;
}

/** The problems of a compose file's text: YAML, the schema, procs' rules. */
export function composeProblems(text: string): string[] {
  let doc: unknown;
  try {
    doc = parse(text, { version: '1.1' });
  } catch (err) {
    return [`not YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`];
  }
  return [...composeSchemaProblems(doc), ...composeRuleProblems(doc)];
}

const INSTRUCTIONS = /^(FROM|WORKDIR|COPY|ADD|RUN|ENV|ARG|USER|EXPOSE|CMD|ENTRYPOINT|LABEL|VOLUME|SHELL|HEALTHCHECK|STOPSIGNAL|ONBUILD)\s/i;

/** A Dockerfile's problems: FROM first, every line an instruction (or a continuation, comment or blank). */
export function dockerfileProblems(text: string): string[] {
  const problems: string[] = [];
  let continued = false;
  let first: string | undefined;
  for (const [i, line] of text.split('\n').entries()) {
    const trimmed = line.trim();
    const cont = continued;
    continued = trimmed.endsWith('\\');
    if (cont || trimmed === '' || trimmed.startsWith('#')) continue;
    if (!INSTRUCTIONS.test(trimmed)) problems.push(`line ${i + 1}: not an instruction: ${trimmed.slice(0, 40)}`);
    first ??= trimmed.split(/\s/)[0]?.toUpperCase();
  }
  if (first !== 'FROM' && first !== 'ARG') problems.push('the first instruction is not FROM');
  return problems;
}

/** Every problem of the files of a compose export, per file (the ignore file is not checked). */
export function checkCompose(files: readonly ExportFile[]): CheckReport[] {
  const reports: CheckReport[] = [];
  for (const f of files) {
    if (/\.ya?ml$/.test(f.path)) reports.push({ file: f.path, checker: SCHEMA_CHECKER, problems: composeProblems(f.content) });
    else if (path.posix.basename(f.path) === 'Dockerfile') reports.push({ file: f.path, checker: DOCKERFILE_CHECKER, problems: dockerfileProblems(f.content) });
  }
  return reports;
}
