import { Migrator, type Kysely, type MigrationProvider, type ColumnDataType } from 'kysely';
import type { Dialect } from '../database.ts';
import { foundation } from './0001-foundation.ts';
import { events } from './0002-events.ts';
import { eventRetentionIndex } from './0003-event-retention-index.ts';
import { alarms } from './0004-alarms.ts';
import { pendingActions } from './0005-pending-actions.ts';
import { sopDispatch } from './0006-sop-dispatch.ts';
import { ledgerSearch } from './0007-ledger-search.ts';
import { alarmStatsIndex } from './0008-alarm-stats-index.ts';
import { loginLockout } from './0009-login-lockout.ts';
import { gb28181 } from './0010-gb28181.ts';
import { onvif } from './0011-onvif.ts';
import { recordings } from './0012-recordings.ts';
import { evidence } from './0013-evidence.ts';
import { alarmCameras } from './0014-alarm-cameras.ts';
import { tourGroups } from './0015-tour-groups.ts';
import { vehicles } from './0016-vehicles.ts';
import { people } from './0017-people.ts';
import { accessControl } from './0018-access-control.ts';
import { visitors } from './0019-visitors.ts';
import { credentialLookup } from './0021-credential-lookup.ts';
import { sightings } from './0020-sightings.ts';
import { monthPartitions } from './0022-month-partitions.ts';
import { duty } from './0023-duty.ts';
import { patrol } from './0024-patrol.ts';
import { handover } from './0025-handover.ts';
import { dutySwaps } from './0027-duty-swaps.ts';
import { keySiteFloors } from './0028-key-site-floors.ts';
import { complianceSnapshots } from './0029-compliance-snapshots.ts';
import { complianceSettings } from './0030-compliance-settings.ts';
import { complianceEvidence } from './0031-compliance-evidence.ts';
import { drills } from './0026-drills.ts';

/** Column types that differ between dialects; migrations use these and nothing dialect-specific else. */
export interface ColumnTypes {
  dialect: Dialect;
  timestamp: ColumnDataType;
  json: ColumnDataType;
  real: ColumnDataType;
  autoId: ColumnDataType;
  binary: ColumnDataType;
}

export interface Migration {
  name: string;
  up(db: Kysely<any>, types: ColumnTypes): Promise<void>;
}

/** Ordered list; append only. */
export const MIGRATIONS: Migration[] = [foundation, events, eventRetentionIndex, alarms, pendingActions, sopDispatch, ledgerSearch, alarmStatsIndex, loginLockout, gb28181, onvif, recordings, evidence, alarmCameras, tourGroups, vehicles, people, accessControl, visitors, sightings, credentialLookup, monthPartitions, duty, patrol, handover, drills, dutySwaps, keySiteFloors, complianceSnapshots, complianceSettings, complianceEvidence];

export function columnTypes(dialect: Dialect): ColumnTypes {
  return dialect === 'postgres'
    ? { dialect, timestamp: 'timestamptz', json: 'jsonb', real: 'double precision', autoId: 'bigserial', binary: 'bytea' }
    : { dialect, timestamp: 'text', json: 'text', real: 'real', autoId: 'integer', binary: 'blob' };
}

export async function migrateToLatest(db: Kysely<any>, dialect: Dialect): Promise<string[]> {
  const types = columnTypes(dialect);
  const provider: MigrationProvider = {
    async getMigrations() {
      return Object.fromEntries(MIGRATIONS.map((m) => [m.name, { up: (d: Kysely<any>) => m.up(d, types) }]));
    },
  };
  const migrator = new Migrator({ db, provider, migrationTableName: 'xiaoan_migrations', migrationLockTableName: 'xiaoan_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
