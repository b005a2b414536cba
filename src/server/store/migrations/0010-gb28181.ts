import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * GB/T 28181 devices: the SIP digest key of a device's credentials (HA1 = MD5(id:realm:secret),
 * because digest needs it and the secret itself is never stored) and each device's registration
 * with what was last exchanged (diagnostics: why a registration was refused, clock offset, NAT).
 */
export const gb28181: Migration = {
  name: '0010-gb28181',
  async up(db: Kysely<any>, t: ColumnTypes) {
    // A REGISTER names a device by its GB id alone (the ledger's unique index leads with the university).
    await db.schema.createIndex('devices_gb_id').on('devices').column('gb_id').execute();
    await db.schema.alterTable('device_credentials').addColumn('sip_ha1', 'text').execute();
    await db.schema.alterTable('device_credentials').addColumn('sip_realm', 'text').execute();
    await db.schema
      .createTable('gb_devices')
      .addColumn('device_id', 'text', (c) => c.primaryKey().references('devices.id'))
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('gb_id', 'text', (c) => c.notNull())
      .addColumn('transport', 'text')
      .addColumn('address', 'text')
      .addColumn('port', 'integer')
      .addColumn('contact', 'text')
      .addColumn('gb_version', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('registered_at', t.timestamp)
      .addColumn('expires_at', t.timestamp)
      .addColumn('last_keepalive_at', t.timestamp)
      .addColumn('clock_offset_ms', 'integer')
      .addColumn('exchanges', t.json, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('gb_devices_gb_id').on('gb_devices').column('gb_id').execute();
  },
};
