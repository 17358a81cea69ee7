// The setup assistant's webview panel: one at a time, in the unit panel's CSP. It re-reads the
// local server's diagnostics every couple of seconds while visible (and at once when the backend
// says something changed), and pushes the page model; the page's requests go to the backend.
import * as vscode from 'vscode';
import { WebviewHost, type WebviewProvider } from '../panel/webview-host';
import { setupPageMessageSchema, type SetupHostMessage, type SetupModel, type SetupPageMessage } from '../protocol/setup-messages';
import type { Logger } from '../state/contracts';
import { renderSetupHtml } from './html';

export const SETUP_VIEW_TYPE = 'juicenet.setupAssistant';
const POLL_MS = 2000;

export interface SetupBackend {
  /** Reads the server and builds the page model (never throws: errors are part of the model). */
  model(): Promise<SetupModel>;
  /** Fires when the model may have changed (a charger added, the server started, a report pushed). */
  onDidChange(listener: () => void): { dispose(): void };
  /** Runs what the page asked for; the reply is shown on the page. */
  act(m: Exclude<SetupPageMessage, { kind: 'ready' | 'refresh' }>): Promise<{ ok: boolean; message: string } | undefined>;
}

export class SetupAssistant implements vscode.Disposable {
  /** The one webview host (src/panel/webview-host.ts); this page is its provider. */
  private readonly host: WebviewHost;
  private panel: vscode.WebviewPanel | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sub: { dispose(): void } | undefined;
  private inflight: Promise<SetupModel | undefined> | undefined;
  private again = false;
  /** The last model pushed to the page (for the in-host tests), and whether the page said ready. */
  lastModel: SetupModel | undefined;
  pageReady = false;

  constructor(
    extensionUri: vscode.Uri,
    private readonly backend: SetupBackend,
    private readonly log: Logger,
  ) {
    this.host = new WebviewHost(extensionUri, SETUP_VIEW_TYPE, log);
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  open(): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal();
      void this.push();
      return this.panel;
    }
    const panel = this.host.show('assistant', 'JuiceBox Setup', (p) => this.provider(p));
    this.log.info('Setup assistant opened.');
    return panel;
  }

  /** The page as the host's provider: its HTML, its messages, polling while visible. */
  private provider(panel: vscode.WebviewPanel): WebviewProvider {
    this.panel = panel;
    this.pageReady = false;
    this.sub = this.backend.onDidChange(() => void this.push());
    return {
      html: (ctx) =>
        renderSetupHtml({ cspSource: ctx.webview.cspSource, nonce: ctx.nonce, scriptUri: ctx.asset('setup.js'), styleUri: ctx.asset('setup.css') }),
      onMessage: (raw) => this.receive(raw),
      onDidChangeVisibility: () => this.schedule(),
      dispose: () => {
        this.sub?.dispose();
        clearTimeout(this.timer);
        this.panel = undefined;
        this.pageReady = false;
      },
    };
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.panel?.visible) return;
    this.timer = setTimeout(() => void this.push().finally(() => this.schedule()), POLL_MS);
  }

  /** Reads the server and pushes the model. One read at a time: a call during one makes it read
   * once more when done, and resolves with that newer model. */
  push(): Promise<SetupModel | undefined> {
    if (!this.panel) return Promise.resolve(undefined);
    if (this.inflight) {
      this.again = true;
      return this.inflight;
    }
    this.inflight = (async () => {
      try {
        do {
          this.again = false;
          const model = await this.backend.model();
          this.lastModel = model;
          await this.post({ kind: 'model', model });
        } while (this.again && this.panel);
        return this.lastModel;
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }

  private post(m: SetupHostMessage): Thenable<boolean> {
    return this.panel?.webview.postMessage(m) ?? Promise.resolve(false);
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = setupPageMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.log.warn('Setup assistant: refused a message from the page.');
      return;
    }
    const m = parsed.data;
    if (m.kind === 'ready') {
      this.pageReady = true;
      await this.push();
      this.schedule();
      return;
    }
    if (m.kind === 'refresh') {
      await this.push();
      return;
    }
    const r = await this.backend.act(m).catch((e: unknown) => ({ ok: false, message: `That failed: ${(e as Error).message}` }));
    if (r) await this.post({ kind: 'result', action: m.kind === 'command' ? m.command : m.kind, ok: r.ok, message: r.message });
    await this.push();
  }

  /** For the in-host tests: acts as the page would. */
  simulatePage(m: SetupPageMessage): Promise<void> {
    return this.receive(m);
  }

  dispose(): void {
    this.host.dispose();
  }
}
