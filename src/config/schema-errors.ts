// Turns the validator's raw errors into one clear, positioned message per problem. The validator
// runs with `verbose`, so each error carries the schema that failed: that tells a duration from a
// size from a signal, and lists the keys a mistyped one could have meant. Values are quoted only
// where they cannot be environment values (durations, sizes, signals, names, policies).
import type { SourcePos } from './spec.js';
import { MAX_NAME_LENGTH } from './limits.js';
import { didYouMean } from '../base/suggest.js';
import { describePath, keyPos, locate, valuePos, type LNode, type PathSeg } from './tree.js';

type SchemaNode = Readonly<Record<string, unknown>>;

/** The fields of an ajv error that are used here. */
export interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly parentSchema?: SchemaNode;
  readonly data?: unknown;
}

/** A translated error: where, what, and the part of the document to set aside because of it. */
export interface Issue {
  readonly pos: SourcePos;
  readonly message: string;
  readonly drop: readonly PathSeg[];
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  array: 'a list',
  object: 'a map',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'empty',
};
const CHECKS = ['exec', 'http', 'tcp', 'log', 'notify'];

/** Reads an error's instance path as keys and indexes, following the tree to tell them apart. */
function toPath(root: LNode, pointer: string): PathSeg[] {
  const out: PathSeg[] = [];
  for (const raw of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out.push(locate(root, out).node?.kind === 'seq' ? Number(seg) : seg);
  }
  return out;
}

/** The JSON type of a value, as the messages name it. */
function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'boolean') return 'true or false';
  return typeof v === 'number' ? 'a number' : 'a string';
}

/** The JSON Schema types a value has (an integer is also a number). */
function jsonTypes(v: unknown): string[] {
  if (v === null || v === undefined) return ['null'];
  if (Array.isArray(v)) return ['array'];
  if (typeof v === 'number') return Number.isInteger(v) ? ['integer', 'number'] : ['number'];
  return [typeof v];
}

/** The accepted types of a schema, as words: `a string or a list of strings`. */
function describeTypes(types: unknown, schema: SchemaNode | undefined): string {
  const list = (Array.isArray(types) ? types : [types]).map(String);
  const items = schema?.items as SchemaNode | undefined;
  const words = list.map((t) => {
    if (t === 'array' && items?.type === 'string') return 'a list of strings';
    if (t === 'array' && text(items?.$ref).endsWith('/name')) return 'a list of names';
    if (t === 'boolean' && list.length > 1) return 'a boolean';
    return TYPE_NAMES[t] ?? t;
  });
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)!}` : (words[0] ?? '');
}

/** A schema string field, or '' when absent. */
function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A short, safe rendering of a value the user wrote (never used for env values). */
function quote(v: unknown): string {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? typeof v);
  return `\`${s.length > 40 ? `${s.slice(0, 37)}...` : s}\``;
}

/** Translates the raw errors into issues, dropping the echoes of union and property-name checks. */
export function translate(root: LNode, errors: readonly SchemaError[]): Issue[] {
  const items = errors.map((e) => ({ e, path: toPath(root, e.instancePath) }));
  const index = indexItems(items);
  const dropped = new Set<number>();
  items.forEach(({ e, path }, i) => {
    const node = locate(root, path).node;
    // A property name failing its pattern reports at the map; the propertyNames error says it better.
    if ((e.keyword === 'pattern' || e.keyword === 'maxLength') && node?.kind === 'map') dropped.add(i);
    if (e.keyword === 'anyOf') pruneUnion(items, index, i, dropped);
    if (e.keyword === 'not' && path.at(-1) === 'liveness' && node?.kind === 'map' && node.entries.has('log')) dropped.add(i);
    if (e.keyword === 'required' && isTypoOf(items, index, e, String(e.params.missingProperty))) dropped.add(i);
  });
  return items.filter((_, i) => !dropped.has(i)).map(({ e, path }) => describe(root, e, path));
}

/**
 * The errors' indexes by instance path: `at` a path, and `under` it (the path itself and below), so
 * that each error looks only at its neighbours: a spec with 10,000 bad units has 40,000 errors.
 */
interface ItemIndex {
  readonly at: ReadonlyMap<string, readonly number[]>;
  readonly under: ReadonlyMap<string, readonly number[]>;
}

function indexItems(items: readonly { e: SchemaError }[]): ItemIndex {
  const at = new Map<string, number[]>();
  const under = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, key: string, i: number): void => {
    const list = m.get(key);
    if (list) list.push(i);
    else m.set(key, [i]);
  };
  items.forEach(({ e }, i) => {
    const pointer = e.instancePath;
    add(at, pointer, i);
    add(under, '', i);
    for (let slash = pointer.indexOf('/', 1); slash !== -1; slash = pointer.indexOf('/', slash + 1)) add(under, pointer.slice(0, slash), i);
    if (pointer !== '') add(under, pointer, i);
  });
  return { at, under };
}

/** True when an unknown key beside a missing one looks like a typo of it (`comand` for `command`). */
function isTypoOf(items: readonly { e: SchemaError }[], index: ItemIndex, required: SchemaError, missing: string): boolean {
  return (index.at.get(required.instancePath) ?? []).some((i) => {
    const e = items[i]!.e;
    return e.keyword === 'additionalProperties' && didYouMean(String(e.params.additionalProperty), [missing]) !== '';
  });
}

/**
 * For `anyOf` at a path (restart: a policy name or the full form): the branches whose type does not
 * match the value are not what the user meant; their errors go. If none matches, one type error stays.
 */
function pruneUnion(items: readonly { e: SchemaError; path: PathSeg[] }[], index: ItemIndex, at: number, dropped: Set<number>): void {
  const here = items[at]!;
  const pointer = here.e.instancePath;
  const actual = jsonTypes(here.e.data);
  const types: unknown[] = [];
  let kept = 0;
  for (const i of index.under.get(pointer) ?? []) {
    const e = items[i]!.e;
    if (i === at) continue;
    const t = e.parentSchema?.type;
    const accepts = t === undefined || (Array.isArray(t) ? (t as unknown[]) : [t]).some((x) => actual.includes(String(x)));
    if (e.instancePath === pointer && (!accepts || e.keyword === 'type')) {
      for (const x of Array.isArray(t) ? (t as unknown[]) : [t]) types.push(x);
      dropped.add(i);
    } else {
      kept++;
    }
  }
  // `anyOf: [{ required: [command] }, { required: [extends] }]`: one message naming the first key,
  // none when one of the keys is there misspelt (`comand`: the unknown key says it).
  const missing = (index.at.get(pointer) ?? []).filter((i) => i !== at && items[i]!.e.keyword === 'required');
  if (missing.some((i) => dropped.has(i))) for (const i of missing) dropped.add(i);
  else if (missing.length > 1) {
    const first = items[missing[0]!]!;
    const others = missing.slice(1).map((i) => String(items[i]!.e.params.missingProperty));
    first.e = { ...first.e, params: { ...first.e.params, alternatives: others } };
    for (const i of missing.slice(1)) dropped.add(i);
  }
  if (kept > 0) dropped.add(at);
  else here.e = { ...here.e, keyword: 'type', params: { type: [...new Set(types)] } };
}

/** The message and position for one error. */
function describe(root: LNode, e: SchemaError, path: PathSeg[]): Issue {
  const where = describePath(path);
  const ps = e.parentSchema;
  const at = (message: string, pos = valuePos(root, path), drop: PathSeg[] = path): Issue => ({ pos, message, drop });
  switch (e.keyword) {
    case 'type':
      return at(`${where === '' ? 'the spec' : where} must be ${describeTypes(e.params.type, ps)}, got ${describeValue(e.data)}`);
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const pos = keyPos(root, [...path, key]);
      if (key === 'log' && path.at(-1) === 'liveness') return at(`${where}: a \`log\` probe can only be used for readiness`, pos, [...path, key]);
      const known = Object.keys((ps?.properties as SchemaNode | undefined) ?? {});
      return at(`unknown key \`${key}\`${where === '' ? '' : ` in ${where}`}${didYouMean(key, known)}`, pos, [...path, key]);
    }
    case 'required': {
      const alternatives = Array.isArray(e.params.alternatives) ? ` (or ${e.params.alternatives.map((k) => `\`${String(k)}\``).join(', ')})` : '';
      return at(`missing key \`${String(e.params.missingProperty)}\` in ${where === '' ? 'the spec' : where}${alternatives}`, keyPos(root, path), [
        ...path,
        String(e.params.missingProperty),
      ]);
    }
    case 'propertyNames':
      return nameIssue(root, path, String(e.params.propertyName), ps);
    case 'pattern':
    case 'minimum':
    case 'maximum':
      return at(valueMessage(e, where, ps));
    case 'minLength':
    case 'minItems':
      return at(`${where} is empty`);
    case 'maxLength':
      return at(`${quote(e.data)} in ${where} is too long: names are at most ${String(e.params.limit)} characters`);
    case 'enum': {
      const allowed = ((ps?.enum as unknown[] | undefined) ?? []).map(String);
      // Only a string written by the user gets a suggestion (a map's own `toString` may be anything).
      const got = typeof e.data === 'string' ? e.data : '';
      if (allowed.includes('SIGTERM')) return at(`bad signal ${quote(e.data)} for ${where}${didYouMean(got, allowed)}`);
      return at(`${where} must be one of ${allowed.join(', ')}, got ${quote(e.data)}${didYouMean(got, allowed)}`);
    }
    case 'const':
      if (path.length > 1) return at(`${where} must be ${JSON.stringify(e.params.allowedValue)}, got ${describeValue(e.data)}`);
      return at(
        typeof e.data === 'number' ? `unsupported version ${e.data}: this procs reads version 1` : `version must be the number 1, got ${describeValue(e.data)}`,
      );
    case 'uniqueItems': {
      const j = Number(e.params.j);
      const dup = Array.isArray(e.data) ? (e.data as unknown[])[j] : undefined;
      return at(`${where} lists ${quote(dup)} twice`, valuePos(root, [...path, j]));
    }
    case 'not':
      return at(path.at(-1) === 'schedule' ? scheduleMessage(root, path, where) : probeMessage(root, path, where, ps));
    default:
      return at(`${where} is not valid (${e.keyword})`);
  }
}

/** A bad name used as a key: a unit name, or an environment variable name. */
function nameIssue(root: LNode, path: PathSeg[], name: string, ps: SchemaNode | undefined): Issue {
  const ref = text((ps?.propertyNames as SchemaNode | undefined)?.$ref);
  const where = describePath(path);
  const message = ref.endsWith('/envName')
    ? `bad variable name \`${name}\` in ${where}: use letters, digits and _, not starting with a digit`
    : /^[a-z0-9][a-z0-9_-]*$/.test(name) && name.length > MAX_NAME_LENGTH
      ? `name ${quote(name)} in ${where} is too long: names are at most ${MAX_NAME_LENGTH} characters`
      : `bad name \`${name}\` in ${where}: names use lowercase letters, digits, - and _, and start with a letter or digit`;
  return { drop: [...path, name], pos: keyPos(root, [...path, name]), message };
}

/** Messages for values that break a pattern or a bound: durations, sizes, names, counts. */
function valueMessage(e: SchemaError, where: string, ps: SchemaNode | undefined): string {
  const pattern = text(ps?.pattern);
  if (pattern.includes('ms|s|m|h')) return `bad duration ${quote(e.data)} for ${where}: write 150ms, 2s, 1m, 1h, or a number of seconds`;
  if (pattern.includes('KB|MB')) return `bad size ${quote(e.data)} for ${where}: write 512KB, 10MB, 1GB, or a number of bytes`;
  if (pattern.startsWith('^[a-z0-9]'))
    return `bad name ${quote(e.data)} in ${where}: names use lowercase letters, digits, - and _, and start with a letter or digit`;
  if (pattern.startsWith('^[A-Za-z0-9]'))
    return `bad profile name ${quote(e.data)} in ${where}: profile names use letters, digits, -, _ and ., and start with a letter or digit`;
  if (pattern.startsWith('^[A-Za-z_]')) return `bad variable name ${quote(e.data)} in ${where}: use letters, digits and _, not starting with a digit`;
  if (pattern === '\\S') return `${where} is empty`;
  if (pattern.startsWith('^[^\\u0000')) return `${where} cannot hold control characters`;
  const min = typeof ps?.minimum === 'number' ? ps.minimum : undefined;
  const max = typeof ps?.maximum === 'number' ? ps.maximum : undefined;
  const got = typeof e.data === 'number' ? String(e.data) : describeValue(e.data);
  if (min !== undefined && max !== undefined) return `${where} must be between ${min} and ${max}, got ${got}`;
  if (min !== undefined) return `${where} must be at least ${min}, got ${got}`;
  return `${where} must be at most ${max ?? '?'}, got ${got}`;
}

/** A probe without exactly one check. */
function probeMessage(root: LNode, path: PathSeg[], where: string, ps: SchemaNode | undefined): string {
  const allowed = CHECKS.filter((c) => Object.hasOwn((ps?.properties as SchemaNode | undefined) ?? {}, c));
  const node = locate(root, path).node;
  const present = allowed.filter((c) => node?.kind === 'map' && node.entries.has(c));
  const options = allowed.join(', ');
  return present.length === 0
    ? `${where} has no check: give one of ${options}`
    : `${where} has ${present.length} checks (${present.join(', ')}): give exactly one of ${options}`;
}

/** A schedule with both `cron` and `every`, or neither. */
function scheduleMessage(root: LNode, path: PathSeg[], where: string): string {
  const node = locate(root, path).node;
  const both = node?.kind === 'map' && node.entries.has('cron') && node.entries.has('every');
  return `${where} ${both ? 'has both `cron` and `every`' : 'has no time'}: give exactly one of \`cron\` and \`every\``;
}
