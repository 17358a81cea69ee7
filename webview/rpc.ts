// The webview's side of the message protocol: requests with ids, validated replies and pushes.
import { parseHostMessage, parseResult, type MethodName, type Params, type Result, type ErrorInfo, type UnitSnapshot } from '../src/protocol/messages';

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export class RpcError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
  }
}

interface Pending {
  method: MethodName;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

export class Rpc {
  readonly vscode: VsCodeApi = acquireVsCodeApi();
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  onUnit: (u: UnitSnapshot | null) => void = () => undefined;
  onShowInsights: (scope: 'unit' | 'account') => void = () => undefined;

  constructor(private readonly timeoutMs = 60_000) {
    window.addEventListener('message', (ev: MessageEvent) => this.receive(ev.data));
  }

  ready(): void {
    this.vscode.postMessage({ kind: 'ready' });
  }

  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    const id = this.nextId++;
    return new Promise<Result<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RpcError({ message: `No answer from the extension for ${method}.`, nextStep: 'Reload the panel.' }));
      }, this.timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      this.vscode.postMessage({ kind: 'request', id, method, params });
    });
  }

  private receive(data: unknown): void {
    const parsed = parseHostMessage(data);
    if (!parsed.ok) {
      console.warn(`JuiceNet panel: refused a message from the extension (${parsed.reason})`);
      return;
    }
    const msg = parsed.value;
    if (msg.kind === 'push') {
      if (msg.type === 'unit') this.onUnit(msg.unit);
      else this.onShowInsights(msg.scope);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    clearTimeout(p.timer);
    if (!msg.ok) {
      p.reject(new RpcError(msg.error));
      return;
    }
    const r = parseResult(p.method, msg.result);
    if (!r.ok) {
      console.warn(`JuiceNet panel: refused the reply to ${p.method} (${r.reason})`);
      p.reject(new RpcError({ message: `The extension's answer to ${p.method} was not understood.` }));
    } else p.resolve(r.value);
  }
}
