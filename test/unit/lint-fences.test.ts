// The layer fences of eslint.config.mjs, proven by planting: each case lints one import as if it
// were written in a file of the fenced folder (ESLint's lintText with that path: nothing is written
// to the tree) and checks that the fence fails on the violation and lets the allowed import pass.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = join(__dirname, '..', '..');

interface Case {
  /** The planted file, relative to the repository. */
  file: string;
  /** An import the fence forbids there. */
  forbidden: string[];
  /** Imports the fence allows there (so that a fence forbidding everything fails too). */
  allowed: string[];
}

const CASES: Case[] = [
  {
    file: 'src/domain/planted.ts',
    forbidden: ['../api/types', '../api/wire', '../state/unit-store', 'zod', 'node:fs', 'vscode'],
    allowed: ['./model', './time-zone'],
  },
  { file: 'src/domain/insights/planted.ts', forbidden: ['../../api/types', '../../simulator', 'zod'], allowed: ['../model', './tariff'] },
  {
    file: 'src/server/planted.ts',
    forbidden: [
      '../state/unit-store',
      '../views/tree',
      '../commands/run',
      '../panel/index',
      '../setup/model',
      '../protocol/messages',
      '../api/client',
      '../api/normalise',
      '../extension',
      'vscode',
    ],
    allowed: ['../domain/model', '../api/wire', '../api/types', '../api/local-contract', '../local/db', '../juicebox/codec', '../simulator/engine', './http'],
  },
  {
    file: 'src/local/planted.ts',
    forbidden: ['../state/local-push', '../setup/index', '../api/client', '../api/local-events', '../api/local-diagnostics', '../log', 'vscode'],
    allowed: ['../server/protocol', '../domain/schedule'],
  },
  {
    file: 'src/local/mqtt/planted.ts',
    forbidden: ['../../state/local-push', '../../api/client', '../../api/normalise', '../../views/tree', 'vscode'],
    allowed: ['../../server/protocol', '../../domain/charging-reason', '../../api/local-contract', '../source', './values'],
  },
  { file: 'src/juicebox/planted.ts', forbidden: ['../views/status-bar', '../api/errors', 'vscode'], allowed: ['../domain/model', './codec'] },
  { file: 'src/simulator/planted.ts', forbidden: ['../state/accounts', '../panel/html', '../api/redact'], allowed: ['../server/http', '../domain/amps'] },
  {
    file: 'src/state/planted.ts',
    forbidden: ['../simulator', '../server/http', '../local/boxes', '../views/tree', 'vscode'],
    allowed: ['../api/client', '../domain/model', '../api/local-contract'],
  },
  {
    file: 'src/commands/planted.ts',
    forbidden: ['../simulator', '../server/protocol', '../local/db', '../panel/index'],
    allowed: ['../state/unit-store', '../juicebox/console'],
  },
  { file: 'src/panel/planted.ts', forbidden: ['../simulator/index', '../local/server'], allowed: ['../state/unit-store', '../protocol/messages'] },
  { file: 'src/setup/planted.ts', forbidden: ['../server/http', '../local/cli'], allowed: ['../juicebox/codec', '../api/local-contract'] },
  { file: 'src/planted.ts', forbidden: ['./simulator', './server/http', './local/server'], allowed: ['./demo', './state/unit-store'] },
  { file: 'src/demo.ts', forbidden: ['./server/http', './local/server'], allowed: ['./simulator'] },
  {
    file: 'src/api/planted.ts',
    forbidden: ['../state/unit-store', '../server/http', '../simulator', '../local/db', 'vscode'],
    allowed: ['../domain/model', './wire'],
  },
  {
    file: 'webview/planted.ts',
    forbidden: ['../src/api/types', '../src/state/unit-store', '../src/simulator', 'node:fs', 'vscode'],
    allowed: ['../src/domain/model', '../src/protocol/messages'],
  },
];

describe('layer fences (eslint.config.mjs)', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: ROOT });

  async function fenceMessages(file: string, from: string): Promise<string[]> {
    const [result] = await eslint.lintText(`import * as planted from '${from}';\nexport const keep = planted;\n`, { filePath: join(ROOT, file) });
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  }

  for (const c of CASES) {
    it(`${c.file}: fails on ${c.forbidden.join(', ')}`, async () => {
      for (const from of c.forbidden) {
        const messages = await fenceMessages(c.file, from);
        assert.equal(messages.length, 1, `importing '${from}' from ${c.file} should break a fence`);
        assert.ok(messages[0]!.length > 20, `the fence should say why: ${messages[0]}`);
      }
    });
    it(`${c.file}: allows ${c.allowed.join(', ')}`, async () => {
      for (const from of c.allowed) assert.deepEqual(await fenceMessages(c.file, from), [], `importing '${from}' from ${c.file} is allowed`);
    });
  }
});
