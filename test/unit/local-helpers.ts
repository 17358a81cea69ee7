// Shared by the local server's tests: a JuiceNet Local server, emulated JuiceBoxes reporting to it
// over loopback UDP, and a tiny JSON client for its HTTP API. Everything stays on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalServer, type LocalServerOptions, type RunningLocalServer } from '../../src/local/server';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator';
import type { EmulatedProtocol } from '../../src/simulator/juicebox-report';
import { startJuiceBoxEmulator, type JuiceBoxEmulator } from '../../src/simulator/juicebox-udp';

export function tempDir(prefix = 'juicenet-local-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** POSTs a JSON body; returns the HTTP status and the parsed reply. */
export async function post(baseUrl: string, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export interface LocalRig {
  sim: RunningSimulator;
  server: RunningLocalServer;
  emu: JuiceBoxEmulator;
  logs: string[];
  dataDir: string;
  /** Runs a box_api_secure command on a unit (its token for the owner's account) and expects success. */
  api(unitId: string, cmd: string, fields?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Runs a command and returns the reply whatever it says. */
  apiRaw(unitId: string, cmd: string, fields?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Adds every emulated box to the owner's account (after their first reports). */
  addAll(): Promise<void>;
  tokens: Map<string, string>;
  stop(): Promise<void>;
}

export async function startRig(opts: {
  units?: number;
  protocol?: EmulatedProtocol | EmulatedProtocol[];
  server?: Partial<LocalServerOptions>;
  sim?: SimulatorOptions;
  dataDir?: string;
  reportIntervalS?: number;
}): Promise<LocalRig> {
  const tmp = opts.dataDir ? undefined : tempDir();
  const dataDir = opts.dataDir ?? tmp!.dir;
  const logs: string[] = [];
  const server = await startLocalServer({
    dataDir,
    udpPort: 0,
    udpHost: '127.0.0.1',
    httpPort: 0,
    tickMs: 50,
    webhookRetryDelaysMs: [50, 100],
    log: (l) => logs.push(l),
    ...opts.server,
  });
  // Virtual time runs 20x: reports every 30 virtual s arrive every 1.5 real s (every 0.5 s while charging).
  const sim = await startSimulator({ units: opts.units ?? 2, seed: 11, speed: 20, autoPlug: false, spareUnits: 0, ...opts.sim });
  const emu = await startJuiceBoxEmulator({
    target: { host: '127.0.0.1', port: server.udpPort },
    simulator: sim,
    protocol: opts.protocol ?? 'v09u',
    tickMs: 20,
    reportIntervalS: opts.reportIntervalS,
  });
  const tokens = new Map<string, string>();
  const apiRaw = async (unitId: string, cmd: string, fields: Record<string, unknown> = {}) => {
    const token = tokens.get(unitId);
    if (!token) throw new Error(`unit ${unitId} is not on the account`);
    return (await post(server.baseUrl, '/box_api_secure', { cmd, device_id: 'test', token, account_token: server.accountToken, ...fields })).body;
  };
  const rig: LocalRig = {
    sim,
    server,
    emu,
    logs,
    dataDir,
    tokens,
    apiRaw,
    api: async (unitId, cmd, fields) => {
      const r = await apiRaw(unitId, cmd, fields);
      if (r.success !== true) throw new Error(`${cmd} failed: ${JSON.stringify(r)}`);
      return r;
    },
    addAll: async () => {
      for (const u of sim.units) {
        await emu.waitFor(() => server.source.hasUnit(u.unitId), 10_000, `the first report of ${u.unitId}`);
        const r = await post(server.baseUrl, '/box_pin', { cmd: 'add_unit', device_id: 'test', account_token: server.accountToken, ID: u.unitId });
        if (r.body.success !== true) throw new Error(`add_unit failed: ${JSON.stringify(r.body)}`);
        tokens.set(u.unitId, r.body.token as string);
      }
    },
    stop: async () => {
      await emu.stop();
      await sim.close();
      await server.close();
      tmp?.remove();
    },
  };
  return rig;
}
