// juicenet.refresh: reads one charger again (from its row) or every charger shown.
import type { CommandContext } from './run';
import { commandTargetRef } from '../state/command-target';

export async function refresh(ctx: CommandContext, arg?: unknown): Promise<void> {
  const ref = commandTargetRef(arg);
  if (ref) await ctx.store.refresh(ref, 'manual');
  else await ctx.store.refreshAll('manual');
}
