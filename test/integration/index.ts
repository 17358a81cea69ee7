// Test entry loaded by the VS Code extension host (extensionTestsPath). Runs every bundled
// *.test.js beside it (dist/test/integration, or dist/test/vsix) with mocha and writes
// test-results/<folder>.json, because the
// host's console forwarding does not fill in mocha's format strings.
import * as fs from 'node:fs';
import * as path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Mocha = require('mocha') as typeof import('mocha');

interface Result {
  title: string;
  state: 'passed' | 'failed';
  error?: string;
  durationMs?: number;
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  const dir = __dirname;
  for (const f of fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.test.js'))
    .sort())
    mocha.addFile(path.join(dir, f));
  const repo = path.resolve(dir, '..', '..', '..');
  const results: Result[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = results.filter((r) => r.state === 'passed').length;
      const failed = results.filter((r) => r.state === 'failed').length;
      fs.mkdirSync(path.join(repo, 'test-results'), { recursive: true });
      // integration.json, or vsix.json for the suite of the installed package (test/vsix re-exports this runner).
      fs.writeFileSync(path.join(repo, 'test-results', `${path.basename(dir)}.json`), JSON.stringify({ passed, failed, results }, null, 2));
      console.log(`${passed} passed, ${failed} failed`);
      if (failures > 0 || failed > 0 || passed === 0) reject(new Error(`${failed} integration test(s) failed` + (passed === 0 ? ' (none passed)' : '')));
      else resolve();
    });
    runner.on('pass', (t) => {
      results.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration });
      console.log(`PASS ${t.fullTitle()}`);
    });
    runner.on('fail', (t, err: Error) => {
      results.push({ title: t.fullTitle(), state: 'failed', error: String(err?.stack ?? err) });
      console.log(`FAIL ${t.fullTitle()}: ${err?.message}`);
    });
  });
}
