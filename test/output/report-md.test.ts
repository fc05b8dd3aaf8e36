// The CI report's Markdown: the table, escaping of whatever units print, and the collapsed
// blocks (only for units that were not up).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeCell, fencedBlock, reportMarkdown, type ReportFacts, type ReportUnit } from '../../src/output/report-md.js';

const up = (unit: string, readyMs: number | null): ReportUnit => ({
  unit,
  state: 'ready',
  reason: null,
  readyMs,
  restarts: 0,
  exit: null,
  notUp: false,
  lastLines: ['fine'],
});

const facts = (units: readonly ReportUnit[], extra: Partial<ReportFacts> = {}): ReportFacts => ({
  title: 'procs run',
  project: 'shop',
  ok: false,
  outcome: 'api failed: exited with code 3; the command did not run',
  units,
  ...extra,
});

/** The Markdown outside fenced blocks (what GitHub reads as Markdown and HTML). */
function outsideFences(md: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of md.split('\n')) {
    const m = /^(`{3,})/.exec(line);
    if (fence === undefined && m) fence = m[1];
    else if (fence !== undefined && line === fence) fence = undefined;
    else if (fence === undefined) out.push(line);
  }
  return out.join('\n');
}

void test('a table of every unit: state, time to ready, restarts, exit; the command last', () => {
  const failed: ReportUnit = {
    unit: 'api',
    state: 'failed',
    reason: 'exited with code 3',
    readyMs: null,
    restarts: 2,
    exit: 'code 3',
    notUp: true,
    lastLines: ['boom'],
  };
  const md = reportMarkdown(facts([up('db', 412), failed], { command: { text: 'npm test', status: null } }));
  const lines = md.split('\n');
  assert.equal(lines[0], '### procs run (shop): failed');
  assert.ok(lines.includes('| unit | state | time to ready | restarts | exit |'), md);
  assert.ok(lines.includes('| db | ready | 412ms | 0 | — |'), md);
  assert.ok(lines.includes('| api | failed | — | 2 | code 3 |'), md);
  assert.ok(lines.includes('| command: npm test | not run | — | — | — |'), md);
  assert.ok(md.endsWith('\n\n'), 'ends with a blank line, so appended sections stay apart');
});

void test('a collapsed block with the last lines only for units that were not up', () => {
  const skipped: ReportUnit = { unit: 'web', state: 'skipped', reason: 'api failed', readyMs: null, restarts: 0, exit: null, notUp: true, lastLines: [] };
  const failed: ReportUnit = {
    unit: 'api',
    state: 'failed',
    reason: 'exited with code 3',
    readyMs: null,
    restarts: 0,
    exit: 'code 3',
    notUp: true,
    lastLines: ['one', 'two'],
  };
  const md = reportMarkdown(facts([up('db', 10), failed, skipped]));
  assert.equal((md.match(/<details>/g) ?? []).length, 2, md);
  assert.match(md, /<details><summary>api failed: exited with code 3 \(last 2 lines\)<\/summary>\n\n```text\none\ntwo\n```\n\n<\/details>/);
  assert.match(md, /<summary>web skipped: api failed \(no output\)<\/summary>/);
  assert.doesNotMatch(md, /summary>db/);
});

void test('pipes, backticks and HTML in names and lines cannot break the table or the blocks', () => {
  const nasty = ['a | b', '```', 'x ```` y', '</details>', '<script>alert(1)</script>', 'bell \x07 esc \x1b[31m'];
  const failed: ReportUnit = {
    unit: 'api',
    state: 'failed',
    reason: 'said `no` | </summary></details>',
    readyMs: null,
    restarts: 0,
    exit: 'code 1',
    notUp: true,
    lastLines: nasty,
  };
  const md = reportMarkdown(facts([failed], { command: { text: 'sh -c "a|b" `x`', status: 1 } }));
  // Every `</details>` outside fences is a block's own: one per block.
  const plain = outsideFences(md);
  assert.equal((plain.match(/<\/details>/g) ?? []).length, 1, plain);
  assert.equal((plain.match(/<\/summary>/g) ?? []).length, 1, plain);
  assert.doesNotMatch(plain, /<script>/);
  assert.match(plain, /&lt;\/summary&gt;&lt;\/details&gt;/);
  // The fence is longer than any backtick run inside, so no line closes it early.
  assert.match(md, /\n`````text\n/);
  for (const line of nasty.slice(0, 5)) assert.ok(md.includes(`\n${line}\n`), `kept as it is: ${line}`);
  assert.ok(md.includes('bell \\x07 esc \\x1b[31m'), 'control characters shown, not sent');
  // The command's cell: four columns after it, its pipe and backticks escaped.
  const row = md.split('\n').find((l) => l.startsWith('| command:')) ?? '';
  assert.equal(row, '| command: sh -c &quot;a\\|b&quot; \\`x\\` | exited | — | — | status 1 |');
  assert.equal(row.split(/(?<!\\)\|/).length, 7);
});

void test('cells and fences escape on their own', () => {
  assert.equal(escapeCell('a|b `c` <d> *e* [f](g)'), 'a\\|b \\`c\\` &lt;d&gt; \\*e\\* \\[f\\](g)');
  assert.equal(escapeCell('two\nlines'), 'two\\\\nlines', 'a backslash before n, shown as such');
  assert.equal(fencedBlock(['plain']), '```text\nplain\n```');
  assert.equal(fencedBlock(['``` x']), '````text\n``` x\n````');
});
