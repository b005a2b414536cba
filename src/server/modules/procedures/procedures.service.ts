import { uuid4 } from '../../util/uuid7.ts';
import type { AlarmPhoto, AlarmType, SopStep } from '../../../shared/alarms.ts';
import type { Clock } from '../../clock.ts';
import { conflict, invalidField, notFound } from '../../http/errors.ts';
import type { Actor } from '../../http/policy.ts';
import { ownTables, type ModuleDb, type Work } from '../../store/tables.ts';
import { normalizePhoto, PhotoRejected } from '../../util/photo.ts';
import type { AlarmProcedures, AlarmsService } from '../alarms/index.ts';
import { sopFor } from './default-sops.ts';
import { ProceduresRepository } from './procedures.repository.ts';

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

/**
 * The procedure (SOP) of each alarm — an ordered checklist copied from its type's template when
 * the alarm is created — and the photos taken while working it. Each tick and photo is logged
 * on the alarm, in the same transaction, through the alarm module's face.
 */
export class ProceduresService implements AlarmProcedures {
  private readonly repo = new ProceduresRepository();

  constructor(
    private readonly db: ModuleDb<'procedures'>,
    private readonly clock: Clock,
    private readonly alarms: Pick<AlarmsService, 'find' | 'recordStep' | 'announce'>,
  ) {}

  async instantiate(work: Work, alarmId: string, type: AlarmType) {
    await this.repo.insertSteps(
      ownTables<'procedures'>(work),
      sopFor(type).map((s, idx) => ({ alarm_id: alarmId, idx, key: s.key, title: s.title, mandatory: s.mandatory ? 1 : 0, requires: s.requires, done_at: null, done_by: null, done_by_name: null, note: null, photo_id: null })),
    );
  }

  steps(alarmId: string): Promise<SopStep[]> {
    return this.repo.steps(this.db, alarmId);
  }

  openMandatory(work: Work, alarmId: string): Promise<string[]> {
    return this.repo.openMandatory(ownTables<'procedures'>(work), alarmId);
  }

  /** Ticks a step (the caller has checked the actor may handle this alarm). */
  async complete(actor: Actor, alarmId: string, key: string, input: { note?: string; photoId?: string }): Promise<SopStep[]> {
    const step = await this.repo.step(this.db, alarmId, key);
    if (!step) throw notFound('procedure step');
    if (step.done_at) throw conflict('the step is already done', [{ field: 'key', reason: `done at ${step.done_at} by ${step.done_by_name}`, rule: 'done' }]);
    if (step.requires === 'note' && !input.note?.trim()) throw invalidField('note', 'this step needs a note');
    if (step.requires === 'photo' && !input.photoId) throw invalidField('photoId', 'this step needs a photo');
    if (input.photoId && !(await this.repo.photo(this.db, alarmId, input.photoId))) throw invalidField('photoId', 'no such photo on this alarm');
    const alarm = await this.alarmOf(alarmId);
    const nowMs = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      await this.repo.markDone(trx, alarmId, key, { at: new Date(nowMs).toISOString(), by: actor.id, byName: actor.displayName, note: input.note ?? null, photoId: input.photoId ?? null });
      await this.alarms.recordStep(trx, alarm, { to: null, action: 'sop', actorId: actor.id, actorName: actor.displayName, note: `${step.title}${input.note ? '：' + input.note : ''}`, data: { key, photoId: input.photoId ?? null }, nowMs });
    });
    this.alarms.announce(alarm, 'sop', actor.id);
    return this.steps(alarmId);
  }

  async addPhoto(actor: Actor, alarmId: string, contentType: string, upload: Buffer): Promise<{ id: string; size: number }> {
    if (!(PHOTO_TYPES as readonly string[]).includes(contentType)) throw invalidField('content-type', `must be one of ${PHOTO_TYPES.join(', ')}`);
    if (!upload.length) throw invalidField('body', 'the photo is empty');
    // Stored as re-encoded JPEG only: what is kept and later embedded in a case file is never the sender's bytes.
    const photo = await normalizePhoto(upload).catch((error: unknown) => {
      throw error instanceof PhotoRejected ? invalidField('body', `the photo ${error.message}`, 'image') : error;
    });
    const alarm = await this.alarmOf(alarmId);
    const id = uuid4();
    const nowMs = this.clock.now();
    const size = photo.bytes.length;
    await this.db.transaction().execute(async (trx) => {
      await this.repo.insertPhoto(trx, { id, alarm_id: alarmId, content_type: photo.contentType, bytes: photo.bytes, size, uploaded_by: actor.id, at: new Date(nowMs).toISOString() });
      await this.alarms.recordStep(trx, alarm, { to: null, action: 'photo', actorId: actor.id, actorName: actor.displayName, note: null, data: { photoId: id, size }, nowMs });
    });
    return { id, size };
  }

  async photo(alarmId: string, photoId: string) {
    const p = await this.repo.photo(this.db, alarmId, photoId);
    if (!p) throw notFound('photo');
    return { contentType: p.content_type, bytes: Buffer.from(p.bytes) };
  }

  /** Every photo of the alarm with its bytes, oldest first (the case file embeds them). */
  photosWithBytes(alarmId: string) {
    return this.repo.photosWithBytes(this.db, alarmId);
  }

  photosOf(alarmId: string): Promise<AlarmPhoto[]> {
    return this.repo.photosOf(this.db, alarmId);
  }

  private async alarmOf(alarmId: string) {
    const alarm = await this.alarms.find(alarmId);
    if (!alarm) throw notFound('alarm');
    return alarm;
  }
}
