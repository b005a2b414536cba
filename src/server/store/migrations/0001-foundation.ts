import { sql, type Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

export const foundation: Migration = {
  name: '0001-foundation',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('org_units')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('parent_id', 'text', (c) => c.references('org_units.id'))
      .addColumn('university_id', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('code', 'text')
      .addColumn('floor_level', 'integer')
      .addColumn('privacy', 'text')
      .addColumn('population', 'integer')
      .addColumn('address', 'text')
      .addColumn('lon', t.real)
      .addColumn('lat', t.real)
      .addColumn('geometry', t.json)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('org_units_university_kind').on('org_units').columns(['university_id', 'kind']).execute();
    await db.schema.createIndex('org_units_parent').on('org_units').column('parent_id').execute();

    await db.schema
      .createTable('key_sites')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull().references('org_units.id'))
      .addColumn('campus_id', 'text', (c) => c.notNull().references('org_units.id'))
      .addColumn('building_id', 'text', (c) => c.references('org_units.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('geometry', t.json, (c) => c.notNull())
      .addColumn('notes', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('key_sites_university_category').on('key_sites').columns(['university_id', 'category']).execute();
    await db.schema.createIndex('key_sites_campus').on('key_sites').column('campus_id').execute();

    await db.schema
      .createTable('devices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull().references('org_units.id'))
      .addColumn('campus_id', 'text', (c) => c.notNull().references('org_units.id'))
      .addColumn('building_id', 'text', (c) => c.references('org_units.id'))
      .addColumn('floor_id', 'text', (c) => c.references('org_units.id'))
      .addColumn('area_id', 'text', (c) => c.references('org_units.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('lon', t.real)
      .addColumn('lat', t.real)
      .addColumn('vendor', 'text')
      .addColumn('model', 'text')
      .addColumn('serial', 'text')
      .addColumn('ip', 'text')
      .addColumn('gb_id', 'text')
      .addColumn('install_date', 'text')
      .addColumn('warranty_end', 'text')
      .addColumn('notes', 'text')
      .addColumn('camera_resolution', 'text')
      .addColumn('camera_type', 'text')
      .addColumn('mount_height_m', t.real)
      .addColumn('bearing_deg', t.real)
      .addColumn('fov_deg', t.real)
      .addColumn('range_m', t.real)
      .addColumn('placement', 'text')
      .addColumn('retention_days', 'integer')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    // The ledger's list view filters by university first, then kind/status/location, and
    // sorts by name or creation time; these indexes serve those paths.
    await db.schema.createIndex('devices_university_kind_status').on('devices').columns(['university_id', 'kind', 'status']).execute();
    await db.schema.createIndex('devices_university_name').on('devices').columns(['university_id', 'name']).execute();
    await db.schema.createIndex('devices_university_created').on('devices').columns(['university_id', 'created_at']).execute();
    await db.schema.createIndex('devices_campus').on('devices').column('campus_id').execute();
    await db.schema.createIndex('devices_building').on('devices').column('building_id').execute();
    await db.schema.createIndex('devices_floor').on('devices').column('floor_id').execute();
    await db.schema.createIndex('devices_area').on('devices').column('area_id').execute();
    await db.schema
      .createIndex('devices_gb_id_unique')
      .on('devices')
      .columns(['university_id', 'gb_id'])
      .unique()
      .where(sql.ref('gb_id'), 'is not', null)
      .execute();

    await db.schema
      .createTable('maintenance_records')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
      .addColumn('university_id', 'text', (c) => c.notNull().references('org_units.id'))
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('performed_by', 'text', (c) => c.notNull())
      .addColumn('notes', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('maintenance_device_date').on('maintenance_records').columns(['device_id', 'date']).execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('university_id', 'text', (c) => c.references('org_units.id'))
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('phone', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('last_login_at', t.timestamp)
      .execute();
    await db.schema.createIndex('users_university_role').on('users').columns(['university_id', 'role']).execute();

    await db.schema
      .createTable('sessions')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('expires_at', t.timestamp, (c) => c.notNull())
      .addColumn('ip', 'text')
      .execute();
    await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', t.autoId, (c) => (t.dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_name', 'text')
      .addColumn('actor_role', 'text')
      .addColumn('university_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('entity_type', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text')
      .addColumn('before', t.json)
      .addColumn('after', t.json)
      .addColumn('ip', 'text')
      .addColumn('request_id', 'text')
      .execute();
    await db.schema.createIndex('audit_university_at').on('audit_log').columns(['university_id', 'at']).execute();
    await db.schema.createIndex('audit_entity').on('audit_log').columns(['entity_type', 'entity_id']).execute();

    // The audit log is append-only at the database level too, not only by the absence of an API.
    if (t.dialect === 'sqlite') {
      await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(db);
      await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(db);
    } else {
      await sql`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`.execute(db);
      await sql`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
    }
  },
};
