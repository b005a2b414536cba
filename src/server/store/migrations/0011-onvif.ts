import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * ONVIF cameras: how to reach each one (address, ONVIF user and password), and what it said it
 * is (device information, profiles with their RTSP URIs, snapshot URI, PTZ presets).
 *
 * The password is kept as entered: every ONVIF call carries a WS-UsernameToken digest computed
 * from it, so unlike a device's own credentials (0010: only a digest key) it cannot be reduced to
 * a hash. It is never sent back by the API. Encryption at rest needs a server key the platform
 * does not have yet (an open gap, docs/admin-guide.md).
 */
export const onvif: Migration = {
  name: '0011-onvif',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('onvif_cameras')
      .addColumn('device_id', 'text', (c) => c.primaryKey().references('devices.id').onDelete('cascade'))
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('port', 'integer', (c) => c.notNull())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('password', 'text', (c) => c.notNull())
      .addColumn('manufacturer', 'text')
      .addColumn('model', 'text')
      .addColumn('firmware', 'text')
      .addColumn('serial', 'text')
      .addColumn('profiles', t.json, (c) => c.notNull())
      .addColumn('presets', t.json, (c) => c.notNull())
      .addColumn('snapshot_uri', 'text')
      .addColumn('has_ptz', 'integer', (c) => c.notNull())
      // A camera whose clock was never set is years off: more milliseconds than a 32-bit integer holds.
      .addColumn('clock_offset_ms', t.real)
      .addColumn('last_error', 'text')
      .addColumn('last_error_at', t.timestamp)
      .addColumn('refreshed_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    // One camera address per university (two ledger devices cannot be the same camera).
    await db.schema.createIndex('onvif_cameras_address').on('onvif_cameras').columns(['university_id', 'host', 'port']).unique().execute();
  },
};
