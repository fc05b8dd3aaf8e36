import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';
import { layerConfigs } from './eslint.layers.js';

// The dashboard's page (page/) runs in a browser: it may import Preact, its own files, and the
// dashboard's protocol (types and constants, nothing that loads a module); page/lib/ is the pure
// part (compiled for the tests too), which imports only itself and the protocol. Node's globals
// are not there.
const PROTOCOL = 'src/dashboard/protocol\\.js$';
const notPackages = { regex: '^(?!preact$|preact/hooks$|\\.{1,2}/)', message: 'the page may import only preact and preact/hooks of packages' };
const browserGlobals = Object.fromEntries(
  [
    'window',
    'document',
    'location',
    'history',
    'navigator',
    'console',
    'fetch',
    'EventSource',
    'URL',
    'URLSearchParams',
    'requestAnimationFrame',
    'cancelAnimationFrame',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'HTMLElement',
    'HTMLDivElement',
    'HTMLDialogElement',
    'HTMLLinkElement',
    'MessageEvent',
    'Response',
  ].map((g) => [g, 'readonly']),
);
const nodeGlobals = ['process', 'Buffer', 'require', 'module', '__dirname', '__filename', 'global'].map((name) => ({
  name,
  message: 'the page runs in a browser',
}));
const pageConfigs = [
  {
    files: ['page/**/*.ts', 'page/**/*.tsx'],
    languageOptions: { globals: browserGlobals },
    rules: {
      'no-restricted-globals': ['error', ...nodeGlobals],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [notPackages, { regex: `^\\.\\./(?!${PROTOCOL})`, message: 'page/ may import only its own files and src/dashboard/protocol' }] },
      ],
    },
  },
  {
    files: ['page/lib/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            notPackages,
            { regex: `^\\.\\./(?!\\.\\./${PROTOCOL})`, message: 'page/lib/ (pure, no DOM) may import only its own files and src/dashboard/protocol' },
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'fixtures/**', 'bench/tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      '@typescript-eslint/require-await': 'off',
    },
  },
  // The layering of src/ (docs/architecture.md): which folder may import which, where
  // node:child_process and the terminal may appear.
  ...layerConfigs(builtinModules),
  ...pageConfigs,
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        process: 'readonly',
        console: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
      },
    },
  },
);
