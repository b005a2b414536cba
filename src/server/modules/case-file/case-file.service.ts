import type { Clock } from '../../clock.ts';
import type { Actor } from '../../http/policy.ts';
import type { DevicesService } from '../devices/index.ts';
import type { OrgService } from '../org/index.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { AlarmsService } from '../alarms/index.ts';
import type { ProceduresService } from '../procedures/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { EvidenceService } from '../evidence/index.ts';
import { AppError } from '../../http/errors.ts';
import { IsolatedWorker, WorkerJobFailed } from '../../util/isolated-worker.ts';
import type { CaseFileData } from './case-file.pdf.ts';
import { normalizePhoto } from '../../util/photo.ts';
import { pdfT } from './case-file.labels.ts';

export interface CaseFile {
  pdf: Buffer;
  fileName: string;
  asciiName: string;
}

/**
 * An alarm's case file (案卷) as a PDF: the record of GET /api/alarms/:id (scoped the same way:
 * another university's alarm is 404), with device, place and people names from the ledger and
 * the accounts, and the photos embedded. Every export is audited.
 */
export class CaseFileService {
  /** Rendering runs in a worker thread: a photo or text that breaks pdfkit fails one export, never the server. */
  private readonly renderer = new IsolatedWorker<CaseFileData, Uint8Array>(new URL('./case-file.worker.ts', import.meta.url), {
    name: 'case file renderer',
    timeoutMs: 60_000,
    maxOldGenerationSizeMb: 512,
  });

  constructor(
    private readonly ledger: Pick<DevicesService, 'byIds'>,
    private readonly org: Pick<OrgService, 'namesOf'>,
    private readonly alarms: AlarmsService,
    private readonly procedures: Pick<ProceduresService, 'photosWithBytes'>,
    private readonly evidence: Pick<EvidenceService, 'clipsOfAlarm'>,
    private readonly accounts: AccountsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async export(actor: Actor, alarmId: string): Promise<CaseFile> {
    const record = await this.alarms.record(actor, alarmId);
    const { alarm } = record;
    const [device] = await this.ledger.byIds([alarm.deviceId]);

    // Names of every device the record mentions: the events' devices and the doors of door commands.
    const deviceIds = new Set<string>([alarm.deviceId, ...record.events.map((e) => e.deviceId)]);
    for (const a of record.actions) for (const door of ((a.result as { doors?: { doorId: string }[] } | null)?.doors ?? [])) deviceIds.add(door.doorId);
    const clips = await this.evidence.clipsOfAlarm(alarm.id);
    for (const c of clips) deviceIds.add(c.deviceId);
    const placeIds = [alarm.universityId, alarm.campusId ?? device?.campusId, alarm.buildingId ?? device?.buildingId, alarm.floorId ?? device?.floorId, device?.areaId].filter((x): x is string => !!x);

    const [mentioned, unitName, photoRows] = await Promise.all([this.ledger.byIds([...deviceIds]), this.org.namesOf(placeIds), this.procedures.photosWithBytes(alarm.id)]);
    const devices = mentioned.filter((d) => d.universityId === alarm.universityId);
    // People by id: photo uploaders, and guards whose dispatch row carries no name.
    const personIds = [...new Set([...photoRows.map((p) => p.uploaded_by), ...record.dispatches.map((g) => g.guardId)])];
    const personName = await this.accounts.labelsOf(personIds);
    const place = (id: string | null | undefined) => (id ? (unitName.get(id) ?? null) : null);
    const stepOfPhoto = new Map(record.sop.filter((s) => s.photoId).map((s) => [s.photoId!, s.title]));

    // Every photo is decoded (bounded, off the event loop) and re-encoded before pdfkit sees it,
    // also those stored before uploads were checked; one that will not decode is listed, not drawn.
    const photoBytes = await Promise.all(photoRows.map((p) => normalizePhoto(Buffer.from(p.bytes)).then((n) => n.bytes, () => Buffer.alloc(0))));
    const generatedAt = this.clock.nowIso();
    const data: CaseFileData = {
      universityName: unitName.get(alarm.universityId) ?? alarm.universityId,
      record,
      device: device ? { id: device.id, name: device.name, kind: device.kind, gbId: device.gbId } : null,
      place: {
        campus: place(alarm.campusId ?? device?.campusId),
        building: place(alarm.buildingId ?? device?.buildingId),
        floor: place(alarm.floorId ?? device?.floorId),
        area: place(device?.areaId),
      },
      deviceNames: new Map(devices.map((d) => [d.id, d.name])),
      personNames: personName,
      photos: photoRows.map((p, i) => ({
        id: p.id,
        contentType: p.content_type,
        size: p.size,
        at: p.at,
        uploadedBy: personName.get(p.uploaded_by) ?? (p.uploaded_by === 'system' ? pdfT('system') : p.uploaded_by),
        step: stepOfPhoto.get(p.id) ?? null,
        bytes: photoBytes[i]!,
      })),
      clips: clips.map((c) => ({ deviceId: c.deviceId, from: c.from, to: c.to, durationS: c.durationS, bytes: c.bytes, sha256: c.sha256, reason: c.reason, createdBy: c.createdBy, createdAt: c.createdAt })),
      generatedAt,
      generatedBy: `${actor.displayName}（${actor.username}）`,
    };
    const pdf = Buffer.from(
      await this.renderer.run(data).catch((error: unknown) => {
        throw error instanceof WorkerJobFailed ? new AppError('XIAOAN_INTERNAL', `the case file could not be rendered (${error.message}); please try again`) : error;
      }),
    );

    await this.audit.recordAlone(actor, {
      action: 'export',
      entityType: 'alarm',
      entityId: alarm.id,
      universityId: alarm.universityId,
      after: { format: 'pdf', kind: 'case_file', bytes: pdf.length, events: record.events.length, photos: photoRows.length },
    });
    return { pdf, fileName: `${pdfT('fileName')}-${record.caseNo}-${alarm.id}.pdf`, asciiName: `alarm-case-file-${record.caseNo}-${alarm.id}.pdf` };
  }

  close(): Promise<void> {
    return this.renderer.close();
  }
}
