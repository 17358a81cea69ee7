// Runs a Node program under the pinned Node 24 (.ci/setup installs it; it has node:sqlite):
//   node test/host/with-node24.mjs <script> [args...]
// with that Node first on PATH, so that what the program starts (`node`, a package's bin) is Node 24 too.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, delimiter } from 'node:path';
import { node24Bin } from './paths.mjs';

const node = node24Bin();
if (!existsSync(node)) {
  console.error(`Node 24 is missing (${node}): run \`npm run host:install\` (or .ci/setup) first`);
  process.exit(1);
}
const r = spawnSync(node, process.argv.slice(2), { stdio: 'inherit', env: { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` } });
process.exit(r.status ?? 1);
