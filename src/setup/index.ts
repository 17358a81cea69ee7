// Local servers in the editor: the server run here as a child process, which accounts are local
// servers, what the local server commands need (hooks), the setup assistant's backend, and the
// tree row of the server run here. src/extension.ts calls createLocalSetup once.
import * as vscode from 'vscode';
import { networkInterfaces, homedir } from 'node:os';
import { lookup as dnsLookup } from 'node:dns/promises';
import { join } from 'node:path';
import { isLoopbackHost } from '../api/client';
import { readLocalDiagnostics, LocalDiagnosticsError } from '../api/local-diagnostics';
import type { AccountManager } from '../state/accounts';
import type { UnitStore } from '../state/unit-store';
import { LocalServerProcess, type LocalServerState } from '../state/local-server-process';
import { LocalPush, type PushAccount } from '../state/local-push';
import { SmartStatus } from '../state/smart-status';
import { localBoxNotes, readLocalBoxNotes } from '../state/local-boxes';
import type { LocalServerHooks } from '../commands/run';
import type { Logger } from '../state/contracts';
import { buildSetupModel } from './model';
import { checkNames, isPrivateIPv4, type DnsCheck, type Lookup, type MachineAddress } from './pointing';
import { writeInfo } from '../state/unit-writes';
import { SetupAssistant } from './panel';
import type { LocalMqttStatus } from '../api/local-contract';
import { LocalHomeAssistant, withHomeAssistant, withMqttStatus, type SetupBackendWithoutMqtt } from './home-assistant';
import type { SetupModel } from '../protocol/setup-messages';
import { readUdpPortList } from '../domain/local-ports';
import type { ChargerNode, ExtraRows } from '../views/tree';

const LOCAL_URLS_KEY = 'juicenet.localServers';
const RUN_HERE_KEY = 'juicenet.localServer.runHere';
const CHOSEN_ADDRESS_KEY = 'juicenet.localServer.boxAddress';

/** This machine's IPv4 addresses a box on the network can reach, with their networks: private first, then the rest. */
export function machineAddresses(): MachineAddress[] {
  const out: MachineAddress[] = [];
  for (const [iface, list] of Object.entries(networkInterfaces()))
    for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') out.push({ address: a.address, cidr: a.cidr ?? undefined, iface });
  return out.sort((a, b) => Number(isPrivateIPv4(b.address)) - Number(isPrivateIPv4(a.address)));
}

/** This machine's resolver (getaddrinfo, as other programs here ask it), every IPv4 and IPv6 answer. */
const systemLookup: Lookup = (host) => dnsLookup(host, { all: true });

/** A tree row about the server run here (running, starting, stopped, failed with its reason). */
export interface LocalServerRow {
  label: string;
  description: string;
  tooltip: string;
  icon: string;
  color?: string;
  contextValue: string;
}

export function localServerRow(s: LocalServerState, shown: boolean): LocalServerRow | undefined {
  switch (s.kind) {
    case 'running':
      return {
        label: 'Local server: running',
        description: `${s.baseUrl} · UDP ${s.udpPorts.join(', ')}`,
        tooltip: `JuiceNet Local runs here (process ${s.pid}): the API at ${s.baseUrl}, JuiceBox reports on UDP port${s.udpPorts.length > 1 ? 's' : ''} ${s.udpPorts.join(', ')}.`,
        icon: 'server-process',
        color: 'testing.iconPassed',
        contextValue: 'localServer.running',
      };
    case 'starting':
      return {
        label: 'Local server: starting…',
        description: '',
        tooltip: 'JuiceNet Local is starting.',
        icon: 'loading~spin',
        contextValue: 'localServer.starting',
      };
    case 'failed':
      return {
        label: 'Local server: failed',
        description: s.message,
        tooltip: `${s.message} ${s.nextStep}`,
        icon: 'error',
        color: 'errorForeground',
        contextValue: 'localServer.failed',
      };
    case 'stopped':
      return shown
        ? {
            label: 'Local server: stopped',
            description: 'start it from here',
            tooltip: 'JuiceNet Local does not run. Its data is kept; start it again to use its chargers.',
            icon: 'debug-stop',
            contextValue: 'localServer.stopped',
          }
        : undefined;
  }
}

/** The tree's rows about the server run here; created before the setup so the tree can take it. */
export class LocalServerTreeRows implements ExtraRows, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  source: (() => LocalServerRow | undefined) | undefined;
  rows(): Extract<ChargerNode, { kind: 'note' }>[] {
    const r = this.source?.();
    return r ? [{ kind: 'note', id: 'local-server', ...r }] : [];
  }
  fire(): void {
    this.changed.fire();
  }
  dispose(): void {
    this.changed.dispose();
  }
}

export interface LocalSetup extends vscode.Disposable {
  server: LocalServerProcess;
  assistant: SetupAssistant;
  /** Push updates from local servers. */
  push: LocalPush;
  /** What the local server commands need (src/commands/run.ts). */
  hooks: LocalServerHooks;
  /** The local-server account to set up: the one run here first. */
  localAccount(): { accountId: string; baseUrl: string } | undefined;
  /** Restarts the server if it ran here when the editor closed. */
  resume(): Promise<void>;
  /** For the in-host tests: the resolver the assistant's Check asks (the system's by default). */
  useResolver(l: Lookup | undefined): void;
  dispose(): void;
}

export function createLocalSetup(
  context: vscode.ExtensionContext,
  parts: { store: UnitStore; accounts: AccountManager; log: Logger; rows: LocalServerTreeRows; lookup?: Lookup },
): LocalSetup {
  const { store, accounts, log, rows: treeRows } = parts;
  let lookup = parts.lookup ?? systemLookup;
  let dnsCheck: DnsCheck | undefined;
  const cfg = () => vscode.workspace.getConfiguration('juicenet.localServer');
  const dataDir = () => cfg().get<string>('dataDir') || join(context.globalStorageUri.fsPath, 'local-server');
  const program = () => ({ cliPath: join(context.extensionUri.fsPath, 'dist', 'local-cli.js'), nodePath: cfg().get<string>('nodePath') || undefined });
  // The optional MQTT side (Home Assistant, evcc): its settings, its password, its connection.
  const ha: LocalHomeAssistant = new LocalHomeAssistant(context, {
    program,
    readStatus: async (): Promise<LocalMqttStatus | undefined> => {
      const a: { accountId: string; baseUrl: string } | undefined = localAccount();
      const token = a && (await accounts.accountToken(a.accountId));
      return a && token ? (await readLocalDiagnostics(a.baseUrl, token)).mqtt : undefined;
    },
  });
  const makeServer = () =>
    new LocalServerProcess({
      cliPath: join(context.extensionUri.fsPath, 'dist', 'local-cli.js'),
      nodePath: cfg().get<string>('nodePath') || undefined,
      extra: () => ha.processExtra(),
      dataDir: dataDir(),
      udpPorts: cfg().get<unknown>('udpPort'),
      httpPort: cfg().get<number>('httpPort', 8080),
      log: (level, line) => (level === 'warn' ? log.warn(`[local server] ${line}`) : log.info(`[local server] ${line}`)),
    });
  let server = makeServer();
  let shownHere = context.globalState.get<boolean>(RUN_HERE_KEY) === true;
  const watch = (s: LocalServerProcess) =>
    s.onDidChange((st) => {
      if (st.kind !== 'stopped') shownHere = true;
      void vscode.commands.executeCommand('setContext', 'juicenet.localServerRunning', st.kind === 'running' || st.kind === 'starting');
      ha.follow(st.kind === 'running');
      treeRows.fire();
      void assistant.push();
    });
  let serverSub = watch(server);

  const localUrls = () => context.globalState.get<string[]>(LOCAL_URLS_KEY) ?? [];
  const localAccount = () => {
    const urls = localUrls();
    const list = accounts.list().filter((a) => urls.includes(a.baseUrl));
    const here = server.state.kind === 'running' ? new URL(server.state.baseUrl).origin : undefined;
    const a = list.find((x) => x.baseUrl === here) ?? list[list.length - 1];
    return a ? { accountId: a.accountId, baseUrl: a.baseUrl } : undefined;
  };

  const runHereState = (): SetupModel['server']['runHere'] => {
    const a = localAccount();
    const s = server.state;
    if (s.kind === 'running') return a && a.baseUrl !== new URL(s.baseUrl).origin ? 'elsewhere' : 'running';
    if (a && !isThisMachine(a.baseUrl)) return 'elsewhere';
    return s.kind;
  };

  const backend: SetupBackendWithoutMqtt = {
    async model() {
      const a = localAccount();
      const units = new Map<string, { name: string; limitA?: number }>();
      const base = {
        runHere: runHereState(),
        accountUnits: units,
        addresses: machineAddresses(),
        chosenAddress: context.globalState.get<string>(CHOSEN_ADDRESS_KEY),
        dnsCheck,
        fallbackUdpPort: readUdpPortList(cfg().get<unknown>('udpPort')).ports?.find((p) => p > 0) ?? 8047,
        nowMs: Date.now(),
      };
      if (!a) return buildSetupModel({ ...base, notConnected: true });
      for (const u of store.units().filter((x) => x.accountId === a.accountId)) units.set(u.unitId, { name: u.name, limitA: u.status?.charging.ampsLimit });
      const token = await accounts.accountToken(a.accountId);
      if (!token) return buildSetupModel({ ...base, notConnected: true });
      try {
        const diagnostics = await readLocalDiagnostics(a.baseUrl, token);
        store.setLocalBoxes(a.accountId, localBoxNotes(diagnostics));
        return buildSetupModel({ ...base, baseUrl: a.baseUrl, diagnostics });
      } catch (e) {
        const err = e instanceof LocalDiagnosticsError ? e : new LocalDiagnosticsError(String(e), "See 'JuiceNet: Show Log'.", 'protocol');
        return buildSetupModel({ ...base, baseUrl: a.baseUrl, error: { message: err.message, nextStep: err.nextStep } });
      }
    },
    onDidChange(listener) {
      const units = store.onDidChangeUnits(() => listener());
      const accountsSub = store.onDidChangeAccounts(() => listener());
      return { dispose: () => (units.dispose(), accountsSub.dispose()) };
    },
    async act(m) {
      if (m.kind === 'copy') {
        await vscode.env.clipboard.writeText(m.text);
        return { ok: true, message: `Copied: ${m.text}` };
      }
      if (m.kind === 'pickAddress') {
        if (!machineAddresses().some((x) => x.address === m.address)) return { ok: false, message: `${m.address} is not an address of this machine.` };
        await context.globalState.update(CHOSEN_ADDRESS_KEY, m.address);
        dnsCheck = undefined;
        return { ok: true, message: `The lines now send the boxes to ${m.address}.` };
      }
      if (m.kind === 'checkDns') {
        const here = machineAddresses().map((x) => x.address);
        dnsCheck = await checkNames(lookup, here, Date.now());
        return { ok: dnsCheck.allHere, message: dnsCheck.summary };
      }
      if (m.kind === 'add') {
        const a = localAccount();
        if (!a) return { ok: false, message: 'Connect to the local server first.' };
        await vscode.commands.executeCommand('juicenet.addUnit', a.accountId, m.serial);
        const unit = store.units().find((u) => u.accountId === a.accountId && u.unitId === m.serial);
        if (!unit) return { ok: false, message: `The charger ${m.serial} was not added (see the message in the corner).` };
        if (!m.name || m.name === unit.name) return { ok: true, message: `Added “${unit.name}”: it is in the Chargers view.` };
        return { ok: true, message: await nameUnit(unit.key, m.name) };
      }
      const ids = {
        connect: 'juicenet.connectLocalServer',
        start: 'juicenet.startLocalServer',
        stop: 'juicenet.stopLocalServer',
        telnet: 'juicenet.pointBoxHere',
        setLimit: 'juicenet.setLimit',
        showLog: 'juicenet.showLog',
      } as const;
      // The connected account's view of the charger (another account may show the same one).
      const a = localAccount();
      const ref = m.serial && (store.units().find((u) => u.accountId === a?.accountId && u.unitId === m.serial)?.key ?? m.serial);
      await vscode.commands.executeCommand(ids[m.command], ...(ref ? [ref] : []));
      return undefined;
    },
  };
  /** Names a charger just added (its info's name, written and read back). */
  const nameUnit = async (key: string, name: string): Promise<string> => {
    const target = store.api(key);
    try {
      if (!target) throw new Error('no credentials for it');
      const info = await target.client.getInfo(target.auth);
      const w = await writeInfo(target, { ...info.raw, name });
      await store.refresh(key, 'write');
      return w.confirmed
        ? `Added “${name}”: it is in the Chargers view.`
        : `Added; the server kept another name than “${name}”. Rename it in its panel (Info).`;
    } catch (e) {
      log.warn(`Naming the charger ${key}: ${(e as Error).message}`);
      return `Added, but it could not be named “${name}” (${(e as Error).message}). Rename it in its panel (Info).`;
    }
  };
  const chargerNames = () =>
    store
      .units()
      .filter((u) => u.accountId === localAccount()?.accountId)
      .map((u) => u.name);
  const assistant = new SetupAssistant(
    context.extensionUri,
    withHomeAssistant(backend, ha, () => ha.step(server.state.kind === 'running', chargerNames())),
    log,
  );
  const haSub = ha.onDidChange(() => treeRows.fire());
  // Push updates from every local server account that offers them; polling stays the fallback.
  const push = new LocalPush(store, log);
  // Smart charging's state of each local server's chargers, for their reason lines.
  const smart = new SmartStatus(store, log);
  const syncPush = async () => {
    const urls = localUrls();
    const list: PushAccount[] = [];
    for (const a of accounts.list().filter((x) => urls.includes(x.baseUrl))) {
      const token = await accounts.accountToken(a.accountId);
      if (token) list.push({ accountId: a.accountId, baseUrl: a.baseUrl, accountToken: token });
    }
    push.sync(list);
    smart.sync(list);
    for (const x of list) void readLocalBoxNotes(store, x, log);
    pushAccounts = list;
  };
  let pushAccounts: PushAccount[] = [];
  const pushSubs = [
    store.onDidChangeAccounts(() => void syncPush()),
    push.onEvent(() => void assistant.push()),
    push.onEvent(() => smart.soon()),
    // A box went silent, came back, ignores or obeys commands, or moved stream: its row's tooltip reads the diagnostics again.
    push.onAlert((accountId) => {
      const x = pushAccounts.find((p) => p.accountId === accountId);
      if (x) void readLocalBoxNotes(store, x, log);
    }),
  ];
  void syncPush();
  treeRows.source = () => withMqttStatus(localServerRow(server.state, shownHere), server.state.kind === 'running' ? ha.status : undefined);

  const hooks: LocalServerHooks = {
    get server() {
      return server;
    },
    smart,
    tokenFileFor(origin) {
      const s = server.state;
      if (s.kind === 'running' && new URL(s.baseUrl).origin === origin) return server.tokenFile;
      const configured = cfg().get<string>('dataDir');
      // A server started by hand (npm run local) keeps its token in ~/.juicenet-local by default.
      return join(configured || join(homedir(), '.juicenet-local'), 'account-token');
    },
    async rememberLocal(origin, runHere) {
      if (origin && !localUrls().includes(origin)) await context.globalState.update(LOCAL_URLS_KEY, [...localUrls(), origin]);
      await context.globalState.update(RUN_HERE_KEY, runHere);
      await syncPush();
    },
    openAssistant: () => void assistant.open(),
    isLocalAccount: (accountId) => {
      const urls = localUrls();
      return accounts.list().some((a) => a.accountId === accountId && urls.includes(a.baseUrl));
    },
    async reportTarget() {
      const a = localAccount();
      const token = a && (await accounts.accountToken(a.accountId));
      if (!a || !token) return undefined;
      const read = () => readLocalDiagnostics(a.baseUrl, token);
      const first = await read().catch(() => undefined);
      const here = server.state;
      const udpPort = first?.server.udpPort ?? (here.kind === 'running' ? here.udpPort : undefined);
      if (udpPort === undefined) return undefined;
      return {
        udpPort,
        addresses: machineAddresses().map((x) => x.address),
        async waitForReport(address, sinceS, timeoutMs) {
          const end = Date.now() + timeoutMs;
          while (Date.now() < end) {
            const d = await read().catch(() => undefined);
            const hit = Object.entries(d?.boxes ?? {}).find(
              ([, b]) => (b.address ?? b.firstAddress) === address && (b.lastReportS ?? 0) >= sinceS && b.reports > 0,
            );
            if (hit) return hit[0];
            await new Promise((r) => setTimeout(r, 500));
          }
          return undefined;
        },
      };
    },
  };

  const configSub = vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration('juicenet.localServer')) return;
    if (server.state.kind === 'running' || server.state.kind === 'starting') {
      log.info('Local server settings changed: they apply when it is next started.');
      return;
    }
    serverSub.dispose();
    server = makeServer();
    serverSub = watch(server);
  });

  return {
    get server() {
      return server;
    },
    assistant,
    hooks,
    localAccount,
    async resume() {
      if (context.globalState.get<boolean>(RUN_HERE_KEY) !== true) return;
      log.info('The local server ran here when VS Code closed: starting it again.');
      const s = await server.start();
      if (s.kind === 'failed') log.warn(`The local server could not start again: ${s.message} ${s.nextStep}`);
    },
    push,
    useResolver(l) {
      lookup = l ?? systemLookup;
      dnsCheck = undefined;
    },
    dispose() {
      push.dispose();
      smart.dispose();
      pushSubs.forEach((d) => d.dispose());
      assistant.dispose();
      haSub.dispose();
      ha.dispose();
      configSub.dispose();
      serverSub.dispose();
      void server.stop();
    },
  };
}

function isThisMachine(origin: string): boolean {
  return isLoopbackHost(new URL(origin).hostname);
}
