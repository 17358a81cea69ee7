// juicenet.refresh: reads one charger again (from its row) or every charger shown.
import type { CommandContext } from './run';

export async function refresh(ctx: CommandContext, arg?: unknown): Promise<void> {
  const unitId = typeof arg === 'string' ? arg : (arg as { unitId?: string } | undefined)?.unitId;
  if (unitId) await ctx.store.refresh(unitId, 'manual');
  else await ctx.store.refreshAll('manual');
}
