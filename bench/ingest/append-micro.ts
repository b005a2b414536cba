/**
 * In-process micro-benchmark of the event append inside the writer's group commit: the generic
 * kysely path (`EventsRepository.append`, multi-row VALUES) against the store's fast path
 * (`appendInTransaction`: SQLite cached prepared single-row insert, PostgreSQL unnest).
 * Same store, same events, variants alternated batch by batch, so a busy machine shifts both
 * alike; reports the median process CPU and wall time per event of a whole transaction (commit
 * included). Not part of `npm run bench:ingest`; used to measure F2 and the unnest change.
 *
 *   node --import tsx bench/ingest/append-micro.ts [--batches 60] [--batch 2000] [--pg-url URL]
 */
import { ownTables } from '../../src/server/store/tables.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { EventsRepository } from '../../src/server/modules/events/events.repository.ts';
import { openStore } from '../../src/server/store/database.ts';
import { uuid7 } from '../../src/server/util/uuid7.ts';
import { prepareStore } from './setup.ts';

const { values: args } = parseArgs({ options: { batches: { type: 'string', default: '60' }, batch: { type: 'string', default: '2000' }, 'pg-url': { type: 'string' } } });
const batches = Number(args.batches);
const batchSize = Number(args.batch);

const dataDir = mkdtempSync(path.join(tmpdir(), 'xiaoan-append-'));
try {
  const prepared = await prepareStore({ dataDir, databaseUrl: args['pg-url'], devices: 100 });
  const store = openStore({ dataDir, databaseUrl: args['pg-url'] });
  const generic = new EventsRepository();
  const fast = new EventsRepository(store);
  let seq = 0;
  const makeBatch = (): DeviceEvent[] =>
    Array.from({ length: batchSize }, () => {
      const d = prepared.devices[seq % prepared.devices.length]!;
      const now = new Date().toISOString();
      seq++;
      return {
        id: uuid7(),
        source: 'mqtt',
        sourceEventId: randomUUID(),
        orgId: d.universityId,
        deviceId: d.id,
        kind: 'access.granted',
        severity: 'info',
        occurredAt: now,
        receivedAt: now,
        payload: { credentialType: 'card', credentialId: '3A9F22C1', personId: `20231${seq % 100000}`, direction: 'in' },
      } as DeviceEvent;
    });
  const samples = { generic: { cpu: [] as number[], wall: [] as number[] }, fast: { cpu: [] as number[], wall: [] as number[] } };
  for (let b = 0; b < batches; b++) {
    for (const variant of b % 2 ? (['fast', 'generic'] as const) : (['generic', 'fast'] as const)) {
      const events = makeBatch();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const inserted = await store.db.transaction().execute((trx) => (variant === 'fast' ? fast.appendInTransaction(ownTables<'events'>(trx), events) : generic.append(ownTables<'events'>(trx), events)));
      const wall = performance.now() - t0;
      const cpu1 = process.cpuUsage(cpu0);
      if (inserted.size !== events.length) throw new Error(`${variant}: ${inserted.size} of ${events.length} stored`);
      // Re-sent events must come back as duplicates (not stored twice).
      const again = await store.db.transaction().execute((trx) => (variant === 'fast' ? fast.appendInTransaction(ownTables<'events'>(trx), events.slice(0, 10)) : generic.append(ownTables<'events'>(trx), events.slice(0, 10))));
      if (again.size !== 0) throw new Error(`${variant}: duplicates stored`);
      if (b >= 4) {
        samples[variant].cpu.push(((cpu1.user + cpu1.system) / batchSize));
        samples[variant].wall.push((wall * 1000) / batchSize);
      }
    }
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  console.log(`${store.dialect}: ${batches - 4} measured batches of ${batchSize} events per variant (alternating); load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const v of ['generic', 'fast'] as const) {
    console.log(`  ${v.padEnd(8)} median per event: CPU ${median(samples[v].cpu).toFixed(1)} µs, wall ${median(samples[v].wall).toFixed(1)} µs (transaction incl. commit)`);
  }
  await store.close();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
