import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeFifos } from '../../src/proc/fifo.js';
import { closePipes, FifoPool, type FifoMaker } from '../../src/proc/output-pipes.js';
import { within } from '../helpers/processes.js';

const MODULE = fileURLToPath(new URL('../../src/proc/output-pipes.js', import.meta.url));

// The folder a pipe's FIFO was made in, from its link (`/…/procs-out-PID-xxxx/N (deleted)`).
function folderOf(link: string): string {
  return dirname(link.replace(/ \(deleted\)$/, ''));
}

// Runs node with a script importing output-pipes.js; gives the child, its first stdout line and
// a promise of its end (stdout closed too).
async function child(script: string): Promise<{ proc: ReturnType<typeof spawn>; line: string; closed: Promise<unknown> }> {
  const proc = spawn(
    process.execPath,
    ['--input-type=module', '-e', `import { FifoPool } from ${JSON.stringify(MODULE)};\nconst pool = new FifoPool();\n${script}`],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const closed = once(proc, 'close');
  proc.stdout?.setEncoding('utf8');
  let text = '';
  const line = await within(
    new Promise<string>((resolve, reject) => {
      proc.stdout?.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('\n')) resolve(text.split('\n')[0] ?? '');
      });
      void closed.then(() => reject(new Error(`ended before a line: ${text}`)));
    }),
    20_000,
    'the child to answer',
  );
  return { proc, line, closed };
}

describe('outputPipes', () => {
  it('gives real pipes, unlinked at once: both ends are one file that nobody else can open', () => {
    const pipes = new FifoPool().outputPipes(3);
    try {
      assert.equal(new Set(pipes.map((p) => p.link)).size, 3);
      for (const p of pipes) {
        assert.match(p.link, /\/procs-out-\d+-[^/]+\/\d+ \(deleted\)$/);
        writeSync(p.write, 'hi\n');
        const buf = Buffer.alloc(8);
        assert.equal(buf.toString('utf8', 0, readSync(p.read, buf)), 'hi\n');
      }
    } finally {
      closePipes(pipes, 'both');
    }
  });

  it('leaves no folder behind when procs exits, and removes one left by a procs killed outright', async () => {
    const done = await child(`const [p] = pool.outputPipes(1); console.log(p.link);`);
    await done.closed;
    assert.equal(existsSync(folderOf(done.line)), false, 'removed at exit');

    const killed = await child(`const [p] = pool.outputPipes(1); console.log(p.link); setInterval(() => {}, 1 << 30);`);
    const stale = folderOf(killed.line);
    killed.proc.kill('SIGKILL');
    await killed.closed;
    assert.equal(existsSync(stale), true, 'a SIGKILL leaves the folder');
    const next = await child(`const [p] = pool.outputPipes(1); console.log(p.link);`);
    await next.closed;
    assert.equal(existsSync(stale), false, 'the next procs removed it');
  });
});

// A maker like the spawner: no batch at once (mkfifo makes the first), the next ones asked ahead
// and made when settled.
function aheadMaker(made: boolean): FifoMaker & { asked: { dir: string; first: number; count: number }[]; settled: number } {
  const maker = {
    asked: [] as { dir: string; first: number; count: number }[],
    settled: 0,
    makeFifos: () => false,
    makeFifosAhead(folder: () => string, first: number, count: number) {
      const dir = folder();
      maker.asked.push({ dir, first, count });
      const paths = Array.from({ length: count }, (_, i) => `${dir}/${first + i}`);
      const batch = {
        settle: () => {
          maker.settled++;
          return made && makeFifos(paths, 'pipe') === undefined;
        },
      };
      return { dir, batch };
    },
  };
  return maker;
}

describe('FIFOs asked for ahead', () => {
  it('makes no folder while the maker cannot ask, and stops asking once it took a folder and could not', () => {
    let can = false;
    const made: string[] = [];
    const maker: FifoMaker = {
      makeFifos: () => false,
      makeFifosAhead: (folder) => {
        if (can) made.push(folder());
        return undefined;
      },
    };
    const pool = new FifoPool(maker);
    const taken = pool.outputPipes(2);
    try {
      can = true;
      taken.push(...pool.outputPipes(2));
      assert.equal(made.length, 1, 'asked once it could, and not again after it could not');
      assert.equal(existsSync(made[0] ?? ''), false, 'the folder it took is removed');
      taken.push(...pool.outputPipes(1));
      assert.equal(made.length, 1);
    } finally {
      closePipes(taken, 'both');
    }
  });

  it('asks for the next batch while the current one runs low, once, and takes it when the current one is out', () => {
    const maker = aheadMaker(true);
    const pool = new FifoPool(maker);
    const taken = [];
    try {
      taken.push(...pool.outputPipes(1));
      assert.equal(maker.asked.length, 1, 'asked as soon as fewer than the mark were left');
      assert.equal(maker.settled, 0, 'without waiting for it');
      taken.push(...pool.outputPipes(63));
      assert.equal(maker.asked.length, 1, 'one batch ahead at a time');
      const first = maker.asked[0];
      assert.ok(first);
      assert.ok(existsSync(first.dir), 'its folder is there');
      taken.push(...pool.outputPipes(1));
      assert.equal(maker.settled, 1);
      assert.equal(folderOf(taken.at(-1)?.link ?? ''), first.dir, 'the 65th pipe comes from the batch asked ahead');
      assert.equal(maker.asked.length, 1, 'a full batch left: nothing asked yet');
    } finally {
      closePipes(taken, 'both');
    }
  });

  it('makes the batch itself when the one asked ahead could not be made, and removes its folder', () => {
    const maker = aheadMaker(false);
    const pool = new FifoPool(maker);
    const taken = pool.outputPipes(65);
    try {
      const ahead = maker.asked[0];
      assert.ok(ahead);
      assert.equal(maker.settled, 1);
      assert.notEqual(folderOf(taken.at(-1)?.link ?? ''), ahead.dir);
      assert.equal(existsSync(ahead.dir), false);
    } finally {
      closePipes(taken, 'both');
    }
  });

  it('leaves no folder of a batch asked ahead behind when procs exits', async () => {
    const done = await child(
      [
        'let dir;',
        'const ahead = new FifoPool({ makeFifos: () => false, makeFifosAhead: (folder) => ((dir = folder()), { dir, batch: { settle: () => false } }) });',
        'ahead.outputPipes(1);',
        "const { existsSync } = await import('node:fs');",
        'console.log(`${dir} ${existsSync(dir)}`);',
      ].join('\n'),
    );
    const [dir, made] = done.line.split(' ');
    assert.equal(made, 'true', 'made while it ran');
    await done.closed;
    assert.equal(existsSync(dir ?? ''), false, 'removed at exit');
  });
});
