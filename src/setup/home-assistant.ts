// The Home Assistant (MQTT) side of the local server run from VS Code: its broker settings
// (juicenet.localServer.mqttUrl, mqttUser, mqttProxyTopics), the broker password in VS Code's
// secret storage (asked in an input box, never shown, never in a setting or the page), the
// server's options for them, its connection for the Local server row (read from its diagnostics
// while it runs), and the setup assistant's Home Assistant step.
import * as vscode from 'vscode';
import type { LocalMqttStatus } from '../api/local-contract';
import type { SetupPageMessage } from '../protocol/setup-messages';
import type { SetupHomeAssistant, SetupMqttMessage } from '../protocol/setup-mqtt-messages';
import type { SetupBackend } from './panel';
import { checkBrokerWithServer, checkMqttUrl, mqttProcessExtra, type LocalMqttSettings } from '../state/local-mqtt';
import { homeAssistantStep } from './home-assistant-model';
export { withMqttStatus } from './home-assistant-model';

const PASSWORD_KEY = 'juicenet.localServer.mqttPassword';
/** How often the running server's MQTT connection is read for its row. */
const STATUS_EVERY_MS = 15_000;

export class LocalHomeAssistant implements vscode.Disposable {
  private password: string | undefined;
  private lastStatus: LocalMqttStatus | undefined;
  private lastTest: { ok: boolean; text: string } | undefined;
  /** The broker the running server was started with. */
  private startedWith: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Each follow() starts a new round of reads; an older one stops. */
  private round = 0;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly parts: {
      /** The running server's MQTT status from its diagnostics (undefined: none, or not readable). */
      readStatus: () => Promise<LocalMqttStatus | undefined>;
      /** The program that runs the server, to test a broker with. */
      program: () => { nodePath?: string; cliPath: string };
    },
  ) {
    void context.secrets.get(PASSWORD_KEY).then((p) => (this.password = p));
    this.subs.push(
      context.secrets.onDidChange((e) => {
        if (e.key === PASSWORD_KEY) void context.secrets.get(PASSWORD_KEY).then((p) => (this.password = p));
      }),
    );
  }

  settings(): LocalMqttSettings {
    const c = vscode.workspace.getConfiguration('juicenet.localServer');
    return { url: c.get<string>('mqttUrl', ''), user: c.get<string>('mqttUser', ''), proxyTopics: c.get<boolean>('mqttProxyTopics', false) };
  }

  /** The server's options for a start (read at each start). */
  processExtra(): { args: string[]; env: NodeJS.ProcessEnv } {
    this.startedWith = this.settings().url.trim();
    return mqttProcessExtra(this.settings(), this.password);
  }

  get status(): LocalMqttStatus | undefined {
    return this.lastStatus;
  }

  /** Reads the connection now and every few seconds while `running`. */
  follow(running: boolean): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const round = ++this.round;
    if (!running) {
      if (this.lastStatus) {
        this.lastStatus = undefined;
        this.changed.fire();
      }
      return;
    }
    const read = async () => {
      const s = await this.parts.readStatus().catch(() => undefined);
      if (round !== this.round) return;
      if (JSON.stringify(s) !== JSON.stringify(this.lastStatus)) {
        this.lastStatus = s;
        this.changed.fire();
      }
    };
    // Soon after the start (the server connects to its broker within a second or two), then now and then.
    let reads = 0;
    const next = () => {
      this.timer = setTimeout(
        () => {
          void read().then(() => round === this.round && next());
        },
        reads++ < 5 ? 1000 : STATUS_EVERY_MS,
      );
      this.timer.unref?.();
    };
    void read();
    next();
  }

  step(running: boolean, chargerNames: string[]): ReturnType<typeof homeAssistantStep> {
    return homeAssistantStep({
      settings: this.settings(),
      passwordSet: this.password !== undefined && this.password !== '',
      status: this.lastStatus,
      running,
      runningWith: running ? (this.startedWith ?? '') : undefined,
      test: this.lastTest,
      chargerNames,
    });
  }

  /** What the page asked for. */
  async act(m: SetupMqttMessage): Promise<{ ok: boolean; message: string }> {
    const cfg = vscode.workspace.getConfiguration('juicenet.localServer');
    switch (m.action) {
      case 'save': {
        const url = (m.url ?? '').trim();
        if (url !== '') {
          const bad = checkMqttUrl(url);
          if (bad) return { ok: false, message: bad };
        }
        await cfg.update('mqttUrl', url, vscode.ConfigurationTarget.Global);
        await cfg.update('mqttUser', (m.user ?? '').trim(), vscode.ConfigurationTarget.Global);
        await cfg.update('mqttProxyTopics', m.proxyTopics === true, vscode.ConfigurationTarget.Global);
        this.changed.fire();
        return {
          ok: true,
          message: url === '' ? 'MQTT is off: the server publishes to no broker.' : 'Saved. The server uses the broker from its next start (Stop, then Start).',
        };
      }
      case 'password': {
        const pw = await vscode.window.showInputBox({
          title: 'JuiceNet: MQTT broker password',
          prompt: `The password of ${this.settings().user || 'the broker user'}. Kept in VS Code's secret storage only; the server gets it in its environment.`,
          password: true,
          ignoreFocusOut: true,
        });
        if (pw === undefined) return { ok: false, message: 'No password was set.' };
        await this.context.secrets.store(PASSWORD_KEY, pw);
        this.password = pw;
        this.changed.fire();
        return { ok: true, message: 'The broker password is kept in secret storage.' };
      }
      case 'clearPassword':
        await this.context.secrets.delete(PASSWORD_KEY);
        this.password = undefined;
        this.changed.fire();
        return { ok: true, message: 'The broker password was removed.' };
      case 'test': {
        const r = await checkBrokerWithServer(this.parts.program(), this.settings(), this.password);
        this.lastTest = { ok: r.ok, text: r.ok ? `The broker answers: ${r.words}.` : `The broker test failed: ${r.words}.` };
        this.changed.fire();
        return { ok: r.ok, message: this.lastTest.text };
      }
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.round++;
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}

/** The assistant's backend before the Home Assistant step is added to it. */
export type SetupBackendWithoutMqtt = Omit<SetupBackend, 'act'> & {
  act(m: Exclude<SetupPageMessage, { kind: 'ready' | 'refresh' | 'mqtt' }>): ReturnType<SetupBackend['act']>;
};

/** The backend with the Home Assistant step: its part of the model, its changes, its actions. */
export function withHomeAssistant(backend: SetupBackendWithoutMqtt, ha: LocalHomeAssistant, step: () => SetupHomeAssistant): SetupBackend {
  return {
    model: async () => ({ ...(await backend.model()), homeAssistant: step() }),
    onDidChange(listener) {
      const a = backend.onDidChange(listener);
      const b = ha.onDidChange(() => listener());
      return { dispose: () => (a.dispose(), b.dispose()) };
    },
    act: (m) => (m.kind === 'mqtt' ? ha.act(m) : backend.act(m)),
  };
}
