import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { uuid7 } from '../../util/uuid7.ts';
import { CAMERA_KINDS } from '../../../shared/domain.ts';
import { MAX_EVIDENCE_MINUTES, type EvidenceClip, type EvidenceExportInput } from '../../../shared/evidence.ts';
import type { Clock } from '../../clock.ts';
import { AppError, conflict, invalidField, notFound } from '../../http/errors.ts';
import { assertInScope, type Actor } from '../../http/policy.ts';
import type { AlarmsService } from '../alarms/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { RecordingsService } from '../recordings/index.ts';
import type { ModuleDb } from '../../store/tables.ts';
import { continuousRuns, cutClip, sha256Of } from './clip-cutter.ts';
import { EvidenceRepository, type ClipRow } from './evidence.repository.ts';

/** Exports run one after another per server: each reads recordings at disk speed. */
const MAX_PARALLEL_EXPORTS = 2;

/**
 * Video evidence (视频证据): clips of an alarm's cameras cut from the recordings by stream copy,
 * kept apart from the recordings (retention never reaches them), with the SHA-256 of each file in
 * the audit log and the alarm's case file. The recordings they came from are held as evidence too.
 * Exporting is the `video.export` permission, and it asks for a reason.
 */
export class EvidenceService {
  private running = 0;

  constructor(
    private readonly db: ModuleDb<'evidence'>,
    private readonly alarms: Pick<AlarmsService, 'get'>,
    private readonly devices: Pick<DevicesService, 'get' | 'byIds'>,
    private readonly recordings: Pick<RecordingsService, 'filesBetween' | 'setEvidenceHold'>,
    private readonly audit: Pick<AuditService, 'recordAlone'>,
    private readonly clock: Clock,
    private readonly opts: { dataDir: string; ffmpeg: string | null },
    private readonly repo = new EvidenceRepository(),
  ) {}

  async exportForAlarm(actor: Actor, alarmId: string, input: EvidenceExportInput): Promise<EvidenceClip[]> {
    const alarm = await this.alarms.get(actor, alarmId);
    const fromMs = Date.parse(input.from);
    const toMs = Date.parse(input.to);
    if (!(toMs > fromMs)) throw invalidField('to', 'must be after from', 'after');
    if (toMs - fromMs > MAX_EVIDENCE_MINUTES * 60_000) throw invalidField('to', `a clip is at most ${MAX_EVIDENCE_MINUTES} minutes long`, 'max_duration');
    if (fromMs > this.clock.now()) throw invalidField('from', 'is in the future', 'past');
    const cameras = [];
    for (const [i, id] of input.deviceIds.entries()) {
      const device = await this.devices.get(actor, id);
      if (device.universityId !== alarm.universityId) throw notFound('device');
      if (!CAMERA_KINDS.includes(device.kind)) throw invalidField(`deviceIds[${i}]`, `${device.name} is not a camera`, 'camera');
      cameras.push(device);
    }
    if (!this.opts.ffmpeg) throw new AppError('XIAOAN_MEDIA_UNAVAILABLE', 'no ffmpeg on this server');
    if (this.running >= MAX_PARALLEL_EXPORTS) throw new AppError('XIAOAN_MEDIA_UNAVAILABLE', `${this.running} exports are running: try again when they are done`);
    this.running++;
    try {
      const clips: ClipRow[] = [];
      const without: string[] = [];
      for (const camera of cameras) {
        const files = await this.recordings.filesBetween(camera.id, new Date(fromMs).toISOString(), new Date(toMs).toISOString());
        if (!files.length) {
          without.push(camera.name);
          continue;
        }
        // Held first: retention must not take a segment while it is being read.
        await this.recordings.setEvidenceHold(camera.id, new Date(fromMs).toISOString(), new Date(toMs).toISOString(), true);
        for (const run of continuousRuns(files)) clips.push(await this.cut(actor, alarm, camera.id, run, fromMs, toMs, input.reason));
      }
      if (!clips.length) throw conflict(`no recording of ${without.join(', ')} between ${input.from} and ${input.to}`, [{ field: 'from', reason: 'no camera has recordings in this time', rule: 'recorded' }]);
      return clips.map((c) => this.view(c));
    } finally {
      this.running--;
    }
  }

  private async cut(actor: Actor, alarm: { id: string; universityId: string }, deviceId: string, run: Parameters<typeof cutClip>[1], fromMs: number, toMs: number, reason: string): Promise<ClipRow> {
    const id = uuid7();
    const relative = path.join('evidence', alarm.id, `${id}.mp4`);
    const file = path.join(this.opts.dataDir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    const span = await cutClip(this.opts.ffmpeg!, run, fromMs, toMs, file);
    const { sha256, bytes } = await sha256Of(file);
    const row: ClipRow = {
      id,
      universityId: alarm.universityId,
      alarmId: alarm.id,
      deviceId,
      fromAt: new Date(span.fromMs).toISOString(),
      toAt: new Date(span.toMs).toISOString(),
      path: relative,
      bytes,
      sha256,
      durationS: (span.toMs - span.fromMs) / 1000,
      reason,
      createdBy: actor.username,
      createdAt: this.clock.nowIso(),
    };
    await this.repo.insert(this.db, row);
    await this.audit.recordAlone(actor, { action: 'video.export', entityType: 'alarm', entityId: alarm.id, universityId: alarm.universityId, after: { clipId: id, deviceId, from: row.fromAt, to: row.toAt, bytes, sha256, reason } });
    return row;
  }

  async ofAlarm(actor: Actor, alarmId: string): Promise<EvidenceClip[]> {
    await this.alarms.get(actor, alarmId);
    return (await this.repo.ofAlarm(this.db, alarmId)).map((c) => this.view(c));
  }

  /** The alarm's clips for its case file (the caller has checked the alarm). */
  async clipsOfAlarm(alarmId: string): Promise<EvidenceClip[]> {
    return (await this.repo.ofAlarm(this.db, alarmId)).map((c) => this.view(c));
  }

  /** A clip's file for download: scoped like its alarm, audited with its hash. */
  async file(actor: Actor, clipId: string): Promise<{ clip: EvidenceClip; relativePath: string }> {
    const row = assertInScope(actor, await this.repo.find(this.db, clipId), (c) => c.universityId, 'evidence clip');
    await this.audit.recordAlone(actor, { action: 'video.evidence_download', entityType: 'alarm', entityId: row.alarmId, universityId: row.universityId, after: { clipId: row.id, sha256: row.sha256 } });
    return { clip: this.view(row), relativePath: row.path };
  }

  private view(c: ClipRow): EvidenceClip {
    return { id: c.id, alarmId: c.alarmId, deviceId: c.deviceId, from: c.fromAt, to: c.toAt, durationS: c.durationS, bytes: c.bytes, sha256: c.sha256, reason: c.reason, createdBy: c.createdBy, createdAt: c.createdAt, url: `/api/evidence/${c.id}/file` };
  }
}
