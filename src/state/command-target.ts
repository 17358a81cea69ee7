// The charger a command acts on, from whatever its argument is: a tree row or a panel snapshot
// (`unitKey`, or `key` with `unitId`), a key ("<accountId>/<unitId>"), a bare unit ID (the first
// account that has the charger), or nothing (ask). One parser for the commands, the panel and
// the status bar. No vscode import.
import type { PanelBackend, UnitView } from './contracts';

/** A command argument as a unit reference (a key or a bare unit ID), or undefined when it names none. */
export function commandTargetRef(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg.trim() || undefined;
  if (arg && typeof arg === 'object') {
    const o = arg as { unitKey?: unknown; key?: unknown; unitId?: unknown };
    if (typeof o.unitKey === 'string' && o.unitKey.trim()) return o.unitKey.trim();
    if (typeof o.key === 'string' && typeof o.unitId === 'string' && o.key.trim()) return o.key.trim();
    if (typeof o.unitId === 'string' && o.unitId.trim()) return o.unitId.trim();
  }
  return undefined;
}

export type CommandTarget =
  /** The argument names a charger the backend knows. */
  | { kind: 'unit'; unit: UnitView }
  /** The argument names a charger no signed-in account has. */
  | { kind: 'unknown'; ref: string }
  /** No argument: the only charger, or ask among `units` (none: nothing to act on). */
  | { kind: 'choose'; units: UnitView[] };

/** The charger a command's argument names, or what to choose from. */
export function resolveCommandTarget(backend: Pick<PanelBackend, 'getUnit' | 'units'>, arg: unknown): CommandTarget {
  const ref = commandTargetRef(arg);
  if (ref !== undefined) {
    const unit = backend.getUnit(ref);
    return unit ? { kind: 'unit', unit } : { kind: 'unknown', ref };
  }
  const units = backend.units();
  return units.length === 1 ? { kind: 'unit', unit: units[0] } : { kind: 'choose', units };
}
