// Flat config: typescript-eslint's recommended rules over the TypeScript sources, and the fences
// between the layers (README, "Layout"), kept by `no-restricted-imports`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// ---- layer fences ----
// A folder's imports are matched as written ('../state/unit-store', 'vscode'). ESLint applies one
// option set per rule and file, so each group below lists every import its folder may not make,
// and no two groups match the same file (test/unit/lint-fences.test.ts plants a violation of each).
//
// Two programs share this tree. The extension (src/domain up to src/panel and src/setup, the files
// directly in src/, webview/) and the server program (src/server, src/simulator, src/local,
// src/juicebox) meet only in src/domain and in src/api's wire schemas, command list and /local
// contract. The extension reaches a server over HTTP and runs JuiceNet Local as a child process,
// with two seams written down here:
//   - src/demo.ts runs the demo simulator in the extension host (its own bundle, required on first
//     use), so that the demo starts at once and the host tests can drive its chargers;
//   - src/juicebox is the JuiceBox's own protocols (the UDP datagram codec, the telnet console):
//     the setup assistant decodes what a box sends and points a box at a server with them.
const noVscode = { name: 'vscode', message: 'This layer runs in plain Node (tests, simulator, servers, benchmarks): it must not import vscode.' };
/** An import of one of `folders` under src/, from a file one level below src/ ('../panel/index'). */
const srcFolder = (folders, message) => ({ regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`, message });
const fence = (files, paths, patterns, ignores) => ({
  files,
  ...(ignores ? { ignores } : {}),
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});

const UI = ['views', 'commands', 'panel', 'setup'];
/** The server program, which the extension never imports. */
const SERVER_PROGRAM = ['server', 'simulator', 'local'];
const notTheServer = (layer) =>
  srcFolder(
    SERVER_PROGRAM,
    `${layer} is part of the extension: it reaches JuiceNet servers over HTTP (src/api) or as a process (src/state/local-server-process), never by import.`,
  );
/** The server program's fence for files whose way up to src/ is `up` (a regex: '\\.\\./' for one level). */
const serverProgramFences = (files, up) => [
  fence(
    files,
    [noVscode],
    [
      {
        regex: `^${up}(?!(domain|api|server|simulator|local|juicebox)/)`,
        message: "The server program (src/server, simulator, local, juicebox) imports only src/domain, src/api's wire schemas and contracts, and itself.",
      },
      {
        regex: `^${up}api/(?!(wire|types|local-contract)$)`,
        message:
          'The server program takes only the wire schemas (src/api/wire), the command list (src/api/types) and the /local contract of src/api, not the client.',
      },
    ],
  ),
];
const fences = [
  // The protocol client: below everything but the domain. Its wire schemas and /local contract are
  // what the server program imports of it.
  fence(
    ['src/api/**/*.ts'],
    [noVscode],
    [srcFolder([...UI, 'state', 'protocol', ...SERVER_PROGRAM, 'juicebox'], 'src/api is the protocol client: it imports only src/domain besides itself.')],
  ),
  // The domain: the ground floor, imports nothing (no other folder, no package, no Node built-in).
  fence(
    ['src/domain/*.ts'],
    [],
    [
      { regex: '^\\.\\./', message: "src/domain imports nothing outside src/domain: the protocol's nouns live in src/domain/model.ts." },
      { regex: '^[^.]', message: 'src/domain imports nothing: no package, no Node built-in (the webview and both programs bundle it).' },
    ],
  ),
  fence(
    ['src/domain/*/**/*.ts'],
    [],
    [
      { regex: '^\\.\\./\\.\\./', message: "src/domain imports nothing outside src/domain: the protocol's nouns live in src/domain/model.ts." },
      { regex: '^[^.]', message: 'src/domain imports nothing: no package, no Node built-in (the webview and both programs bundle it).' },
    ],
  ),
  fence(['src/state/**/*.ts'], [noVscode], [srcFolder([...UI, 'protocol'], 'src/state sits below the views, commands and panel.'), notTheServer('src/state')]),
  fence(
    ['src/protocol/**/*.ts'],
    [noVscode],
    [srcFolder([...UI, 'state', 'api', ...SERVER_PROGRAM, 'juicebox'], 'src/protocol is the message contract alone: zod and src/domain only.')],
  ),
  // The server program: the domain, src/api's wire schemas, command list and /local contract, and itself.
  ...serverProgramFences(['src/simulator/**/*.ts', 'src/server/**/*.ts', 'src/local/*.ts', 'src/juicebox/**/*.ts'], '\\.\\./'),
  // One folder deeper (src/local/mqtt): the same fence, its imports written with ../../.
  ...serverProgramFences(['src/local/*/**/*.ts'], '\\.\\./\\.\\./'),
  // Views and commands render and act; the panel is opened by its command id, never imported.
  fence(
    ['src/views/**/*.ts', 'src/commands/**/*.ts'],
    [],
    [srcFolder(['panel'], 'Views and commands do not import the panel: run juicenet.openUnitPanel instead.'), notTheServer('This layer')],
  ),
  fence(['src/panel/**/*.ts', 'src/setup/**/*.ts'], [], [notTheServer('This layer')]),
  // The files directly in src/ wire the extension; src/demo.ts alone may load the demo simulator.
  fence(
    ['src/*.ts'],
    [],
    [
      {
        regex: `^\\./(${SERVER_PROGRAM.join('|')})(/|$)`,
        message: 'The extension reaches JuiceNet servers over HTTP or as a process; only src/demo.ts runs the demo simulator in-process.',
      },
    ],
    ['src/demo.ts'],
  ),
  fence(
    ['src/demo.ts'],
    [],
    [{ regex: '^\\./(server|local)(/|$)', message: 'The demo runs the simulator in-process; JuiceNet Local runs as a process, never imported.' }],
  ),
  // The webview is a browser bundle: only the pure rules and the message contract come from src/.
  fence(
    ['webview/**/*.ts'],
    [{ ...noVscode, message: 'The webview runs in a browser frame: it cannot import vscode.' }],
    [
      {
        regex: '^(\\.\\./)+src/(?!(domain|protocol)/)',
        message: 'webview/ imports only src/domain and src/protocol (the page talks to the host through messages).',
      },
      { regex: '^node:', message: 'webview/ runs in a browser: no Node built-ins.' },
    ],
  ),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.host-cache/**', 'test-results/**', 'media/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  ...fences,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        window: 'readonly',
        document: 'readonly',
        performance: 'readonly',
      },
    },
  },
);
