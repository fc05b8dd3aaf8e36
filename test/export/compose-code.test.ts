// How compose gets the project's code into the containers (built from the project's Dockerfile,
// from one `--dockerfile` writes, or bind-mounted with `--mount`), and watch rules as develop.watch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { checkCompose } from '../../src/export/check/compose.js';
import { exportCompose } from '../../src/export/compose.js';
import type { ExportOptions } from '../../src/export/types.js';
import { fileText, load } from './helpers.js';

interface Svc {
  image?: string;
  build?: { context: string; dockerfile: string };
  volumes?: { type: string; source: string; target: string }[];
  working_dir: string;
  develop?: { watch: { path: string; action: string; target?: string; include?: string[]; ignore?: string[] }[] };
}

const SPEC = `
processes:
  api: { command: node api.js, cwd: services/api, watch: ["src"] }
  web: { command: node web.js }
pools:
  worker: { command: "node w.js --id \${WORKER_ID}", replicas: 2 }
watch:
  assets: { paths: ["assets/**/*.css"], ignore: ["assets/tmp/**"], restart: [web, worker] }
  build: { paths: ["src/**"], run: npm run build }
`;

/** The export of SPEC (spec folder /project) into /project/deploy with `options`: its files, services and notes. */
function exported(options: ExportOptions = {}) {
  const loaded = load({ 'procs.yaml': SPEC });
  const r = exportCompose(loaded.spec, { outputDir: '/project/deploy', ...options });
  assert.deepEqual(
    checkCompose(r.files).flatMap((c) => c.problems),
    [],
  );
  const text = fileText(r.files, 'compose.yaml');
  return { r, text, services: (parse(text, { version: '1.1' }) as { services: Record<string, Svc> }).services };
}

describe('export compose: the code in the containers', () => {
  it("builds from the project's own Dockerfile by default; --image names the built image", () => {
    const { r, services, text } = exported();
    assert.deepEqual(
      r.files.map((f) => f.path),
      ['compose.yaml'],
    );
    assert.deepEqual(services.api?.build, { context: '..', dockerfile: 'Dockerfile' });
    assert.equal(services.api?.image, undefined);
    assert.equal(services.api?.working_dir, '/app/services/api');
    assert.match(text, /^# Written by `procs export compose` from procs.yaml; run with `docker compose up --build`/);
    assert.equal(exported({ image: 'registry.example/app:1' }).services.api?.image, 'registry.example/app:1');
  });

  it('--dockerfile writes a Dockerfile (npm ci with a lock file) and its ignore file, and builds from it', () => {
    const { r, services } = exported({ dockerfile: true });
    assert.deepEqual(
      r.files.map((f) => f.path),
      ['compose.yaml', 'Dockerfile', 'Dockerfile.dockerignore'],
    );
    // A Dockerfile outside the context is named relative to the context.
    assert.deepEqual(services.web?.build, { context: '..', dockerfile: 'deploy/Dockerfile' });
    const dockerfile = fileText(r.files, 'Dockerfile');
    assert.match(dockerfile, /^FROM node:24-alpine$/m);
    assert.match(dockerfile, /^WORKDIR \/app$/m);
    assert.match(dockerfile, /^COPY package\*\.json .*\.\/$/m);
    assert.match(dockerfile, /if \[ -f package-lock\.json \].*then npm ci --omit=dev;.*npm install --omit=dev/s);
    assert.match(dockerfile, /^COPY \. \.$/m);
    assert.deepEqual(
      fileText(r.files, 'Dockerfile.dockerignore')
        .split('\n')
        .filter((l) => l && !l.startsWith('#')),
      ['node_modules', '.procs', '.git'],
    );
    assert.match(fileText(exported({ dockerfile: true, image: 'node:22-slim' }).r.files, 'Dockerfile'), /^FROM node:22-slim$/m);
  });

  it('--mount: no build, the image (node:24-alpine unless --image) with the project bind-mounted at /app', () => {
    const { services, text } = exported({ mount: true });
    assert.equal(services.api?.build, undefined);
    assert.equal(services.api?.image, 'node:24-alpine');
    assert.deepEqual(services.api?.volumes, [{ type: 'bind', source: '..', target: '/app' }]);
    assert.match(text, /^# .*run with `docker compose up`/);
    assert.equal(exported({ mount: true, image: 'node:22' }).services.api?.image, 'node:22');
  });
});

describe('export compose: watch rules', () => {
  it('become develop.watch on the services they restart: sync+restart into a built image, restart with a mount', () => {
    const { r, services } = exported();
    assert.deepEqual(services.api?.develop?.watch, [{ path: '../services/api/src', action: 'sync+restart', target: '/app/services/api/src' }]);
    const assets = { path: '../assets', action: 'sync+restart', target: '/app/assets', include: ['**/*.css'], ignore: ['tmp/**'] };
    assert.deepEqual(services.web?.develop?.watch, [assets]);
    assert.deepEqual(services['worker-0']?.develop?.watch, [assets]);
    assert.deepEqual(services['worker-1']?.develop?.watch, [assets]);
    const fates = r.keys.filter((k) => k.key === 'watch').map((k) => [k.unit, k.fate]);
    assert.deepEqual(fates, [
      ['watch.api.watch', 'mapped'],
      ['watch.assets', 'mapped'],
      ['watch.build', 'dropped'],
    ]);
    const mounted = exported({ mount: true }).services;
    assert.deepEqual(mounted.api?.develop?.watch, [{ path: '../services/api/src', action: 'restart' }]);
  });
});
