import type { ModuleDb, ModuleTx } from '../../store/tables.ts';
import { randomUUID } from 'node:crypto';
import type { AlarmType } from '../../../shared/alarms.ts';
import type { EventBus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import { conflict, invalidField, notFound } from '../../http/errors.ts';
import { normalizePhoto, PhotoRejected } from '../../util/photo.ts';
import type { Actor } from '../../http/policy.ts';
import { uuid7 } from '../../util/uuid7.ts';
import { AlarmsRepository } from './alarms.repository.ts';
import { sopFor } from './default-sops.ts';
import type { SopStep } from '../../../shared/alarms.ts';

export type { SopStep };

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

/** The procedure (SOP) of each alarm: an ordered checklist copied from its type's template when the alarm is created. */
export class SopService {
  private readonly alarms = new AlarmsRepository();

  constructor(
    private readonly db: ModuleDb<'alarms'>,
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  /** Called in the transaction that creates the alarm. */
  async instantiate(trx: ModuleTx<'alarms'>, alarmId: string, type: AlarmType) {
    const steps = sopFor(type);
    await trx
      .insertInto('alarm_sop_steps')
      .values(steps.map((s, idx) => ({ alarm_id: alarmId, idx, key: s.key, title: s.title, mandatory: s.mandatory ? 1 : 0, requires: s.requires, done_at: null, done_by: null, done_by_name: null, note: null, photo_id: null })))
      .execute();
  }

  async steps(alarmId: string): Promise<SopStep[]> {
    const rows = await this.db.selectFrom('alarm_sop_steps').selectAll().where('alarm_id', '=', alarmId).orderBy('idx').execute();
    return rows.map((r) => ({
      idx: r.idx,
      key: r.key,
      title: r.title,
      mandatory: r.mandatory === 1,
      requires: r.requires as SopStep['requires'],
      doneAt: r.done_at,
      doneBy: r.done_by_name,
      note: r.note,
      photoId: r.photo_id,
    }));
  }

  async openMandatory(alarmId: string, db: ModuleDb<'alarms'> = this.db): Promise<string[]> {
    const rows = await db.selectFrom('alarm_sop_steps').select('title').where('alarm_id', '=', alarmId).where('mandatory', '=', 1).where('done_at', 'is', null).orderBy('idx').execute();
    return rows.map((r) => r.title);
  }

  /** Ticks a step (the caller has checked the actor may handle this alarm). */
  async complete(actor: Actor, alarmId: string, key: string, input: { note?: string; photoId?: string }): Promise<SopStep[]> {
    const step = await this.db.selectFrom('alarm_sop_steps').selectAll().where('alarm_id', '=', alarmId).where('key', '=', key).executeTakeFirst();
    if (!step) throw notFound('procedure step');
    if (step.done_at) throw conflict('the step is already done', [{ field: 'key', reason: `done at ${step.done_at} by ${step.done_by_name}`, rule: 'done' }]);
    if (step.requires === 'note' && !input.note?.trim()) throw invalidField('note', 'this step needs a note');
    if (step.requires === 'photo' && !input.photoId) throw invalidField('photoId', 'this step needs a photo');
    if (input.photoId) {
      const photo = await this.db.selectFrom('alarm_photos').select('id').where('id', '=', input.photoId).where('alarm_id', '=', alarmId).executeTakeFirst();
      if (!photo) throw invalidField('photoId', 'no such photo on this alarm');
    }
    const now = this.clock.nowIso();
    const alarm = (await this.alarms.find(this.db, alarmId))!;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('alarm_sop_steps')
        .set({ done_at: now, done_by: actor.id, done_by_name: actor.displayName, note: input.note ?? null, photo_id: input.photoId ?? null })
        .where('alarm_id', '=', alarmId)
        .where('key', '=', key)
        .execute();
      await this.alarms.log(trx, { id: uuid7(), alarmId, at: now, actorId: actor.id, actorName: actor.displayName, action: 'sop', fromState: null, toState: null, note: `${step.title}${input.note ? '：' + input.note : ''}`, data: { key, photoId: input.photoId ?? null } });
    });
    this.bus.publish('alarms.changed', [{ universityId: alarm.universityId, alarmId, change: 'sop' }], { actorId: actor.id });
    return this.steps(alarmId);
  }

  async addPhoto(actor: Actor, alarmId: string, contentType: string, upload: Buffer): Promise<{ id: string; size: number }> {
    if (!(PHOTO_TYPES as readonly string[]).includes(contentType)) throw invalidField('content-type', `must be one of ${PHOTO_TYPES.join(', ')}`);
    if (!upload.length) throw invalidField('body', 'the photo is empty');
    // Stored as re-encoded JPEG only: what is kept and later embedded in a case file is never the sender's bytes.
    const photo = await normalizePhoto(upload).catch((error: unknown) => {
      throw error instanceof PhotoRejected ? invalidField('body', `the photo ${error.message}`, 'image') : error;
    });
    const bytes = photo.bytes;
    contentType = photo.contentType;
    const id = randomUUID();
    const now = this.clock.nowIso();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('alarm_photos').values({ id, alarm_id: alarmId, content_type: contentType, bytes, size: bytes.length, uploaded_by: actor.id, at: now }).execute();
      await this.alarms.log(trx, { id: uuid7(), alarmId, at: now, actorId: actor.id, actorName: actor.displayName, action: 'photo', fromState: null, toState: null, note: null, data: { photoId: id, size: bytes.length } });
    });
    return { id, size: bytes.length };
  }

  async photo(alarmId: string, photoId: string) {
    const p = await this.db.selectFrom('alarm_photos').selectAll().where('id', '=', photoId).where('alarm_id', '=', alarmId).executeTakeFirst();
    if (!p) throw notFound('photo');
    return { contentType: p.content_type, bytes: Buffer.from(p.bytes) };
  }

  /** Every photo of the alarm with its bytes, oldest first (the case file embeds them). */
  async photosWithBytes(alarmId: string) {
    return this.db.selectFrom('alarm_photos').selectAll().where('alarm_id', '=', alarmId).orderBy('at').orderBy('id').execute();
  }

  async photosOf(alarmId: string) {
    return this.db.selectFrom('alarm_photos').select(['id', 'content_type', 'size', 'uploaded_by', 'at']).where('alarm_id', '=', alarmId).orderBy('at').execute();
  }
}
