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
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('gb_devices_gb_id').on('gb_devices').column('gb_id').execute();
    // The last exchange of each kind, one row per device and kind, so concurrent exchanges (a
    // keepalive during a catalog) never overwrite each other.
    await db.schema
      .createTable('gb_exchanges')
      .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('seen_from', 'text', (c) => c.notNull())
      .addColumn('declared', 'text')
      .addPrimaryKeyConstraint('gb_exchanges_pk', ['device_id', 'kind'])
      .execute();
    // Channels (cameras, alarm inputs) a registered device reported in its catalog: which device
    // they hang off and what the catalog said of them (the ledger holds the device itself).
    await db.schema
      .createTable('gb_channels')
      .addColumn('device_id', 'text', (c) => c.primaryKey().references('devices.id'))
      .addColumn('parent_device_id', 'text', (c) => c.notNull().references('devices.id'))
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('gb_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text')
      .addColumn('ptz_type', 'integer')
      .addColumn('room_type', 'integer')
      .addColumn('use_type', 'integer')
      .addColumn('item', t.json, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('gb_channels_parent').on('gb_channels').column('parent_device_id').execute();
  },
};
