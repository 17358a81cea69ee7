// juicenet.refresh: reads one charger again (from its row) or every charger shown.
import { unitRefOf, type CommandContext } from './run';

export async function refresh(ctx: CommandContext, arg?: unknown): Promise<void> {
  const ref = unitRefOf(arg);
  if (ref) await ctx.store.refresh(ref, 'manual');
  else await ctx.store.refreshAll('manual');
}
