// How the project's code gets into the compose containers: built into an image from the
// project's own Dockerfile (the default), from a minimal Node Dockerfile written beside compose.yaml
// (`--dockerfile`), or bind-mounted into a stock image for development (`--mount`).
import path from 'node:path';
import { CONTAINER_ROOT, DEFAULT_IMAGE, type ExportFile, type ExportOptions } from './types.js';

/** The Dockerfile `--dockerfile` writes, and the ignore file BuildKit reads beside it. */
export const DOCKERFILE = 'Dockerfile';
export const DOCKERIGNORE = 'Dockerfile.dockerignore';

export interface ComposeBuild {
  context: string;
  dockerfile: string;
}

export interface ComposeBind {
  type: 'bind';
  source: string;
  target: string;
}

/** The keys of a service that bring the code: `build:` (and `image:` naming it) or `image:` with a bind mount. */
export interface CodeKeys {
  image?: string;
  build?: ComposeBuild;
  volumes?: ComposeBind[];
}

/** A path from the output folder, in the `/` form compose reads on every system; `.` for the folder itself. */
export function fromOutput(outputDir: string, target: string): string {
  return path.relative(outputDir, target).split(path.sep).join('/') || '.';
}

/** The code keys every service shares. `outputDir`: where compose.yaml will be (relative paths start there). */
export function codeKeys(root: string, outputDir: string, options: ExportOptions): CodeKeys {
  const context = fromOutput(outputDir, root);
  if (options.mount) {
    return { image: options.image ?? DEFAULT_IMAGE, volumes: [{ type: 'bind', source: context, target: CONTAINER_ROOT }] };
  }
  if (options.dockerfile) {
    // A Dockerfile outside the context is read from a path relative to the context.
    const dockerfile = path.relative(root, path.join(outputDir, DOCKERFILE)).split(path.sep).join('/');
    return { build: { context, dockerfile } };
  }
  return { ...(options.image ? { image: options.image } : {}), build: { context, dockerfile: DOCKERFILE } };
}

/** What the header of compose.yaml says about running it. */
export function runHint(options: ExportOptions): string {
  if (options.mount) return `run with \`docker compose up\` (the project is mounted at ${CONTAINER_ROOT}; install its dependencies first)`;
  if (options.dockerfile) return 'run with `docker compose up --build` (the image is built from the Dockerfile beside this file)';
  return "run with `docker compose up --build` (the image is built from the project's own Dockerfile)";
}

/** The files `--dockerfile` writes beside compose.yaml. */
export function dockerFiles(options: ExportOptions): ExportFile[] {
  if (!options.dockerfile) return [];
  const base = options.image ?? DEFAULT_IMAGE;
  const dockerfile = [
    '# Written by `procs export compose --dockerfile`: the project and its production dependencies.',
    `FROM ${base}`,
    `WORKDIR ${CONTAINER_ROOT}`,
    '# The manifests first, so the installed dependencies stay cached while only the code changes.',
    'COPY package*.json npm-shrinkwrap.json* ./',
    'RUN if [ -f package-lock.json ] || [ -f npm-shrinkwrap.json ]; then npm ci --omit=dev; \\',
    '    elif [ -f package.json ]; then npm install --omit=dev; fi',
    'COPY . .',
    '',
  ].join('\n');
  const ignore = ['# What the image leaves out (BuildKit reads this file beside the Dockerfile).', 'node_modules', '.procs', '.git', ''].join('\n');
  return [
    { path: DOCKERFILE, content: dockerfile },
    { path: DOCKERIGNORE, content: ignore },
  ];
}
