import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { Actor } from '../../http/policy.ts';
import type { DB } from '../../store/schema.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { AlarmsService } from '../alarms/alarms.service.ts';
import type { SopService } from '../alarms/sop.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
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
    private readonly db: Kysely<DB>,
    private readonly alarms: AlarmsService,
    private readonly sop: SopService,
    private readonly accounts: AccountsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async export(actor: Actor, alarmId: string): Promise<CaseFile> {
    const record = await this.alarms.record(actor, alarmId);
    const { alarm } = record;
    const device = await this.db.selectFrom('devices').select(['id', 'name', 'kind', 'gb_id', 'campus_id', 'building_id', 'floor_id', 'area_id']).where('id', '=', alarm.deviceId).executeTakeFirst();

    // Names of every device the record mentions: the events' devices and the doors of door commands.
    const deviceIds = new Set<string>([alarm.deviceId, ...record.events.map((e) => e.deviceId)]);
    for (const a of record.actions) for (const door of ((a.result as { doors?: { doorId: string }[] } | null)?.doors ?? [])) deviceIds.add(door.doorId);
    const placeIds = [alarm.universityId, alarm.campusId ?? device?.campus_id, alarm.buildingId ?? device?.building_id, alarm.floorId ?? device?.floor_id, device?.area_id].filter((x): x is string => !!x);

    const [devices, units, photoRows] = await Promise.all([
      this.db.selectFrom('devices').select(['id', 'name']).where('id', 'in', [...deviceIds]).where('university_id', '=', alarm.universityId).execute(),
      this.db.selectFrom('org_units').select(['id', 'name']).where('id', 'in', placeIds).execute(),
      this.sop.photosWithBytes(alarm.id),
    ]);
    // People by id: photo uploaders, and guards whose dispatch row carries no name.
    const personIds = [...new Set([...photoRows.map((p) => p.uploaded_by), ...record.dispatches.map((g) => g.guardId)])];
    const personName = await this.accounts.labelsOf(personIds);
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    const place = (id: string | null | undefined) => (id ? (unitName.get(id) ?? null) : null);
    const stepOfPhoto = new Map(record.sop.filter((s) => s.photoId).map((s) => [s.photoId!, s.title]));

    // Every photo is decoded (bounded, off the event loop) and re-encoded before pdfkit sees it,
    // also those stored before uploads were checked; one that will not decode is listed, not drawn.
    const photoBytes = await Promise.all(photoRows.map((p) => normalizePhoto(Buffer.from(p.bytes)).then((n) => n.bytes, () => Buffer.alloc(0))));
    const generatedAt = this.clock.nowIso();
    const data: CaseFileData = {
      universityName: unitName.get(alarm.universityId) ?? alarm.universityId,
      record,
      device: device ? { id: device.id, name: device.name, kind: device.kind, gbId: device.gb_id } : null,
      place: {
        campus: place(alarm.campusId ?? device?.campus_id),
        building: place(alarm.buildingId ?? device?.building_id),
        floor: place(alarm.floorId ?? device?.floor_id),
        area: place(device?.area_id),
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
      generatedAt,
      generatedBy: `${actor.displayName}（${actor.username}）`,
    };
    const pdf = Buffer.from(
      await this.renderer.run(data).catch((error: unknown) => {
        throw error instanceof WorkerJobFailed ? new AppError('XIAOAN_INTERNAL', `the case file could not be rendered (${error.message}); please try again`) : error;
      }),
    );

    await this.audit.record(this.db, actor, {
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
