// Flat config: typescript-eslint's recommended rules over the TypeScript sources, and the fences
// between the layers (README, "Layout"), kept by `no-restricted-imports`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// ---- layer fences ----
// A folder's imports are matched as written ('../state/unit-store', 'vscode'). ESLint applies one
// option set per rule and file, so each group below lists every import its folder may not make.
const noVscode = { name: 'vscode', message: 'This layer runs in plain Node (tests, simulator, servers, benchmarks): it must not import vscode.' };
/** An import of one of `folders` under src/, from a file one level below src/ ('../panel/index'). */
const srcFolder = (folders, message) => ({ regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`, message });
const fence = (files, paths, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});

const UI = ['views', 'commands', 'panel'];
const fences = [
  // The protocol client: below everything but the pure rules.
  fence(
    ['src/api/**/*.ts'],
    [noVscode],
    [
      srcFolder(
        [...UI, 'state', 'protocol', 'simulator', 'server', 'local', 'juicebox'],
        'src/api is the protocol client: it imports only src/domain besides itself.',
      ),
    ],
  ),
  // The pure rules: the ground floor. The protocol's vocabulary (src/api/types) is all they see of it.
  fence(
    ['src/domain/**/*.ts'],
    [noVscode],
    [
      srcFolder([...UI, 'state', 'protocol', 'simulator', 'server', 'local', 'juicebox'], 'src/domain is pure rules: it imports nothing but src/api/types.'),
      { regex: '^(\\.\\./)+api/(?!types$)', message: 'src/domain sees only the vocabulary of src/api (src/api/types), never the client.' },
      { regex: '^node:', message: 'src/domain is pure: no Node built-ins (the webview bundles it too).' },
    ],
  ),
  fence(['src/state/**/*.ts'], [noVscode], [srcFolder([...UI, 'protocol'], 'src/state sits below the views, commands and panel.')]),
  fence(
    ['src/protocol/**/*.ts'],
    [noVscode],
    [srcFolder([...UI, 'state', 'api', 'simulator', 'server', 'local', 'juicebox'], 'src/protocol is the message contract alone: zod and src/domain only.')],
  ),
  fence(
    ['src/simulator/**/*.ts', 'src/server/**/*.ts', 'src/local/**/*.ts', 'src/juicebox/**/*.ts'],
    [noVscode],
    [srcFolder(UI, 'The servers and unit sources run without the editor UI.')],
  ),
  // Views and commands render and act; the panel is opened by its command id, never imported.
  fence(
    ['src/views/**/*.ts', 'src/commands/**/*.ts'],
    [],
    [srcFolder(['panel'], 'Views and commands do not import the panel: run juicenet.openUnitPanel instead.')],
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
