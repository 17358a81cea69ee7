// What the palette/context-menu commands get from the extension (implemented in src/extension.ts
// from the state layer). Commands stay thin: ask, validate, call the client, read back, report.
import type { CommandBackend, Logger } from '../state/contracts';

// The backend contract lives with the state layer that implements it; commands see it from here.
export type { AccountSummary, CommandBackend } from '../state/contracts';

/** User-facing messages go through here so the in-host tests can observe them. */
export interface Notifier {
  info(message: string, ...actions: string[]): Thenable<string | undefined>;
  warn(message: string, ...actions: string[]): Thenable<string | undefined>;
  error(message: string, ...actions: string[]): Thenable<string | undefined>;
}

export interface CommandDeps {
  backend: CommandBackend;
  log: Logger;
  notify: Notifier;
}
