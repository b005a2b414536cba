import type { FastifyBaseLogger } from 'fastify';
import type { Services } from '../http/app.ts';
import type { Store } from '../store/database.ts';

export interface DemoSeedContext {
  services: Services;
  store: Store;
  log: FastifyBaseLogger;
}

/** Seeds the demo university on an empty database (no university yet). */
export async function seedDemoIfEmpty(ctx: DemoSeedContext): Promise<void> {
  const existing = await ctx.store.db.selectFrom('org_units').select('id').where('kind', '=', 'university').limit(1).execute();
  if (existing.length) return;
  ctx.log.info('demo university generator not yet available');
}
