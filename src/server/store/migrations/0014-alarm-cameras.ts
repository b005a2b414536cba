import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * Which cameras an alarm linked (报警联动摄像机), one row each, so "the alarms of this camera"
 * (markers on its playback timeline) is an indexed lookup rather than a scan of every alarm's
 * JSON. `alarms.linked_cameras` stays the alarm's own record (names, distances, presets).
 */
export const alarmCameras: Migration = {
  name: '0014-alarm-cameras',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('alarm_cameras')
      .addColumn('alarm_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('university_id', 'text', (c) => c.notNull())
      // When the alarm was raised: the timeline asks by camera and time.
      .addColumn('alarm_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('alarm_cameras_pk', ['alarm_id', 'device_id'])
      .execute();
    await db.schema.createIndex('alarm_cameras_device_at').on('alarm_cameras').columns(['device_id', 'alarm_at']).execute();
    // Alarms raised before this migration.
    const alarms = await db.selectFrom('alarms').select(['id', 'university_id', 'created_at', 'linked_cameras']).execute();
    for (const a of alarms) {
      const cameras = (typeof a.linked_cameras === 'string' ? JSON.parse(a.linked_cameras) : a.linked_cameras) as { id: string }[] | null;
      const ids = [...new Set((cameras ?? []).map((c) => c.id))];
      if (ids.length) await db.insertInto('alarm_cameras').values(ids.map((id) => ({ alarm_id: a.id, device_id: id, university_id: a.university_id, alarm_at: a.created_at }))).execute();
    }
  },
};
