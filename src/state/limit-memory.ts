// The limit a unit had before "Stop Charging" set it to 0 A, so that "Start Charging" can restore
// it. In memory only (per window session): a stale remembered value after a restart would be
// worse than asking again. No vscode import.
const previousLimits = new Map<string, number>();

export function rememberLimit(unitId: string, amps: number): void {
  if (Number.isInteger(amps) && amps > 0) previousLimits.set(unitId, amps);
}

export function rememberedLimit(unitId: string): number | undefined {
  return previousLimits.get(unitId);
}

export function forgetLimit(unitId: string): void {
  previousLimits.delete(unitId);
}
