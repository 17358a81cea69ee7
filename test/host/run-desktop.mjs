// The same in-host suite under desktop VS Code via @vscode/test-electron (for machines that can
// download VS Code; this project's CI cannot, so it uses run-integration.mjs instead).
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO } from './paths.mjs';

try {
  // The version the suite is written for (its smoke test checks 1.139.x), as in the code-server host.
  await runTests({ version: '1.139.1', extensionDevelopmentPath: REPO, extensionTestsPath: join(REPO, 'dist/test/integration/index.js') });
} catch (e) {
  console.error(`[test:desktop] FAILED: ${e?.message ?? e}`);
  console.error('[test:desktop] Desktop VS Code could not be downloaded or run here (this needs access to update.code.visualstudio.com).');
  console.error('[test:desktop] Use `npm run test:integration`, which runs the same suite in the code-server host.');
  process.exit(1);
}
