// The extension's one logger: a LogOutputChannel ("JuiceNet") with every line passed through
// redact(), so no token reaches the log whatever a caller hands in.
import * as vscode from 'vscode';
import { redact } from './api/redact';
import type { Logger } from './state/contracts';

export class RedactingLogger implements Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  constructor(name = 'JuiceNet') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }
  trace(message: string): void {
    this.channel.trace(redact(message));
  }
  info(message: string): void {
    this.channel.info(redact(message));
  }
  warn(message: string): void {
    this.channel.warn(redact(message));
  }
  error(message: string | Error): void {
    if (message instanceof Error) this.channel.error(redact(`${message.name}: ${message.message}${message.stack ? `\n${message.stack}` : ''}`));
    else this.channel.error(redact(message));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
