// The one webview host: every page of the extension (the charger panel, the setup assistant) is a
// provider that says what it renders and how it answers its page; the host does what they all
// share. It creates or takes over the panel (scripts on, resources narrowed to the webview bundle,
// not retained while hidden), keeps one panel per key and reveals it when asked again, makes the
// nonce of the page's CSP, hands the page's messages and visibility to the provider, and disposes
// of both together. The model: GitLens's WebviewController with its providers.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../state/contracts';
import { makeNonce } from './html';

/** What a provider gets to render its page. */
export interface WebviewPageContext {
  readonly panel: vscode.WebviewPanel;
  readonly webview: vscode.Webview;
  /** The page's nonce: its scripts and styles carry it (the CSP allows nothing else). */
  readonly nonce: string;
  /** The webview URI of a file of the webview bundle (dist/webview), e.g. "main.js". */
  asset(file: string): string;
}

/** One page: what it renders and how it answers. The host does the rest. */
export interface WebviewProvider {
  /** The page's HTML, under its CSP with the host's nonce. */
  html(ctx: WebviewPageContext): string;
  /** A message from the page, as it came (the provider checks it with its message contract). */
  onMessage(raw: unknown): void | Promise<void>;
  /** The page was shown or hidden (a hidden page is discarded: retainContextWhenHidden is off). */
  onDidChangeVisibility?(visible: boolean): void;
  /** The panel closed. */
  dispose(): void;
}

export class WebviewHost implements vscode.Disposable {
  private readonly pages = new Map<string, { panel: vscode.WebviewPanel; provider: WebviewProvider }>();
  private readonly root: vscode.Uri;

  constructor(
    private readonly extensionUri: vscode.Uri,
    readonly viewType: string,
    private readonly log: Logger,
  ) {
    this.root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  }

  /** The open panel of a key. */
  panel(key: string): vscode.WebviewPanel | undefined {
    return this.pages.get(key)?.panel;
  }

  /** The provider of a key's open panel. */
  provider(key: string): WebviewProvider | undefined {
    return this.pages.get(key)?.provider;
  }

  /** Keys with an open panel. */
  keys(): string[] {
    return [...this.pages.keys()];
  }

  /** Reveals the panel of `key`, or opens one with the provider `create` makes for it. */
  show(key: string, title: string, create: (panel: vscode.WebviewPanel) => WebviewProvider): vscode.WebviewPanel {
    const open = this.pages.get(key);
    if (open) {
      open.panel.reveal();
      return open.panel;
    }
    const panel = vscode.window.createWebviewPanel(this.viewType, title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [this.root],
      retainContextWhenHidden: false,
    });
    this.adopt(panel, key, create);
    return panel;
  }

  /**
   * Takes over a panel (one VS Code restored after a reload, through a serializer). False, and the
   * panel closed, when `key` has a panel already: one page per key.
   */
  adopt(panel: vscode.WebviewPanel, key: string, create: (panel: vscode.WebviewPanel) => WebviewProvider): boolean {
    if (this.pages.has(key)) {
      panel.dispose();
      return false;
    }
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [this.root] };
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'juicenet.svg');
    const provider = create(panel);
    this.pages.set(key, { panel, provider });
    const nonce = makeNonce((n) => randomBytes(n));
    webview.html = provider.html({ panel, webview, nonce, asset: (file) => webview.asWebviewUri(vscode.Uri.joinPath(this.root, file)).toString() });
    const subs = [
      webview.onDidReceiveMessage((raw: unknown) => {
        void Promise.resolve(provider.onMessage(raw)).catch((e: unknown) => this.log.warn(`${this.viewType}: a message from the page failed: ${String(e)}`));
      }),
      panel.onDidChangeViewState(() => provider.onDidChangeVisibility?.(panel.visible)),
    ];
    panel.onDidDispose(() => {
      subs.forEach((d) => d.dispose());
      if (this.pages.get(key)?.panel === panel) this.pages.delete(key);
      provider.dispose();
    });
    return true;
  }

  dispose(): void {
    for (const { panel } of [...this.pages.values()]) panel.dispose();
  }
}
