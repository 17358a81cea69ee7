// The extension's one logger: a LogOutputChannel ("JuiceNet") with every line passed through
// redact(), so no token reaches the log whatever a caller hands in.
import * as vscode from 'vscode';
import { redact } from './api/redact';
import type { Logger } from './state/contracts';

export class RedactingLogger implements Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  /** The last lines written, exactly as written (for the in-host tests' token checks). */
  private readonly recent: string[] = [];
  constructor(name = 'JuiceNet') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }
  trace(message: string): void {
    this.channel.trace(this.keep('trace', redact(message)));
  }
  info(message: string): void {
    this.channel.info(this.keep('info', redact(message)));
  }
  warn(message: string): void {
    this.channel.warn(this.keep('warn', redact(message)));
  }
  error(message: string | Error): void {
    if (message instanceof Error)
      this.channel.error(this.keep('error', redact(`${message.name}: ${message.message}${message.stack ? `\n${message.stack}` : ''}`)));
    else this.channel.error(this.keep('error', redact(message)));
  }
  /** Lines written so far (at most the last 2000), as `level message`. */
  lines(): string[] {
    return [...this.recent];
  }
  private keep(level: string, line: string): string {
    this.recent.push(`${level} ${line}`);
    if (this.recent.length > 2000) this.recent.shift();
    return line;
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
