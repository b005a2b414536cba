import type { FastifyBaseLogger } from 'fastify';
import type { Services } from '../http/app.ts';
import type { Store } from '../store/database.ts';
import { generateDemoUniversity } from './demo-university/generate.ts';
import { validateDemoData, writeDemoUniversity } from './demo-university/write.ts';

export interface DemoSeedContext {
  services: Services;
  store: Store;
  log: FastifyBaseLogger;
  /** The seeding moment the demo visits are placed around (default: the wall clock). */
  nowMs?: number;
}

/**
 * Seeds the demo university 示范大学 on an empty database (no university yet): two Shanghai
 * campuses with buildings, key sites, ~5,000 devices, maintenance history and staff accounts,
 * including a few deliberate compliance flaws (see demo-university/generate.ts).
 */
/** Returns true when it seeded the university now (a fresh demo database). */
export async function seedDemoIfEmpty(ctx: DemoSeedContext): Promise<boolean> {
  if (await ctx.services.org.hasUniversity()) return false;
  const started = performance.now();
  const commission = await ctx.services.org.commission();
  if (!commission) throw new Error('demo seed: the commission root is missing (OrgService.ensureCommission runs first)');
  const data = generateDemoUniversity({ commissionId: commission.id });
  validateDemoData(data);
  const { written, skippedAccounts } = await writeDemoUniversity(ctx, data);
  if (!written) return false;
  const ms = Math.round(performance.now() - started);
  const c = data.counts;
  const k = c.byKind;
  if (skippedAccounts.length) ctx.log.warn({ skippedAccounts }, 'demo accounts skipped: usernames already taken');
  ctx.log.info(
    { demo: { ...c, flaws: data.flaws.length, ms } },
    `demo university ${data.university.name} seeded in ${ms} ms: ${c.campuses} campuses, ${c.buildings} buildings, ${c.floors} floors, ${c.areas} areas, ` +
      `${c.keySites} key sites, ${c.devices} devices (${k.camera} cameras, ${k.recorder} recorders, ${k.door} doors, ${k.intrusion_zone + k.perimeter_zone} alarm zones, ` +
      `${k.fire_detector} fire detectors, ${k.patrol_checkpoint} patrol checkpoints), ${c.maintenance} maintenance records, ${c.accounts - skippedAccounts.length} accounts`,
  );
  return true;
}
