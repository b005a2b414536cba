import { beijingDate } from '../../../shared/beijing-time.ts';
import type { ComplianceReportQuery, ReportFormat } from '../../../shared/compliance-report.ts';
import type { Device } from '../../../shared/devices.ts';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../http/errors.ts';
import type { Actor } from '../../http/policy.ts';
import { IsolatedWorker, WorkerJobFailed } from '../../util/isolated-worker.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { OrgService } from '../org/index.ts';
import type { ComplianceService } from './compliance.service.ts';
import { PIXEL_DENSITY, reachAt } from './coverage.ts';
import { type ReportCamera, type ReportData, type ReportJob, type ReportSite } from './report-data.ts';

export interface ReportFile {
  bytes: Buffer;
  contentType: string;
  fileName: string;
  asciiName: string;
}

const CONTENT_TYPE: Record<ReportFormat, string> = { pdf: 'application/pdf', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
/** Renders waiting at most: an inspection report is asked by a person, a queue longer than this is a stuck client. */
const MAX_QUEUE = 4;
/** The report's name in its file name (校园安全技术防范检查报告 for short). */
const FILE_TITLE = '校园技防检查报告';

/** The sector reach of a camera as coverage.ts computes it: its recorded range, capped by what its resolution resolves at 25 px/m. */
function reachOf(c: NonNullable<Device['camera']>): number {
  const resolved = c.resolution && c.fovDeg ? reachAt(c.resolution, c.fovDeg, PIXEL_DENSITY.detect) : Infinity;
  const reach = Math.min(c.rangeM ?? Infinity, resolved);
  return Number.isFinite(reach) ? reach : 0;
}

/**
 * The inspection report (检查报告, issue 16 item 6): the score and the key-site coverage the compliance
 * page shows, as a PDF (with a blind-spot map per site short of full coverage) or an Excel workbook
 * for the commission. Rendering runs in a worker thread with a time limit, a memory cap and a
 * bounded queue: a report that breaks fails alone (500), a full queue answers 503. Every export is audited.
 */
export class ComplianceReportService {
  constructor(
    private readonly compliance: Pick<ComplianceService, 'scoreWithCoverage'>,
    private readonly org: Pick<OrgService, 'namesOf' | 'keySitesOf'>,
    private readonly ledger: Pick<DevicesService, 'byIds'>,
    private readonly audit: Pick<AuditService, 'recordAlone'>,
    private readonly clock: Clock,
    private readonly renderer: Pick<IsolatedWorker<ReportJob, Uint8Array>, 'run' | 'close'> = new IsolatedWorker<ReportJob, Uint8Array>(new URL('./report.worker.ts', import.meta.url), {
      name: 'inspection report renderer',
      timeoutMs: 90_000,
      maxOldGenerationSizeMb: 512,
      maxQueue: MAX_QUEUE,
    }),
  ) {}

  /** The data a report is rendered from (also what the tests compare with the API). */
  async data(actor: Actor, q: ComplianceReportQuery): Promise<ReportData> {
    // The score first: it checks the scope and the campus (404), as GET /api/compliance/score does.
    const { score, coverage } = await this.compliance.scoreWithCoverage(actor, q);
    const keySites = new Map((await this.org.keySitesOf(score.universityId)).map((s) => [s.id, s]));
    const cameraIds = coverage.sites.flatMap((s) => [...s.cameras.map((c) => c.id), ...s.unplaced.map((u) => u.id)]);
    const entranceIds = coverage.sites.flatMap((s) => s.entrances.map((e) => e.id));
    const devices = new Map((await this.ledger.byIds([...cameraIds, ...entranceIds])).filter((d) => d.universityId === score.universityId).map((d) => [d.id, d]));
    const campusIds = new Set<string>([...keySites.values()].map((s) => s.campusId));
    for (const r of score.rules) for (const f of r.result.findings) if (f.campusId) campusIds.add(f.campusId);
    if (q.campusId) campusIds.add(q.campusId);
    const names = await this.org.namesOf([score.universityId, ...campusIds]);

    const sites: ReportSite[] = coverage.sites.flatMap((s) => {
      const site = keySites.get(s.siteId);
      if (!site) return [];
      const placedCameras: ReportCamera[] = [];
      for (const id of new Set([...s.cameras.map((c) => c.id), ...s.unplaced.map((u) => u.id)])) {
        const d = devices.get(id);
        if (!d || d.lon === null || d.lat === null) continue;
        const cam = d.camera;
        const placed = cam && cam.bearingDeg !== null && cam.fovDeg !== null;
        placedCameras.push({ id, name: d.name, lon: d.lon, lat: d.lat, bearingDeg: placed ? cam.bearingDeg : null, fovDeg: placed ? cam.fovDeg : null, reachM: placed ? reachOf(cam) : 0 });
      }
      const entrancePoints = s.entrances.flatMap((e) => {
        const d = devices.get(e.id);
        return d && d.lon !== null && d.lat !== null ? [{ id: e.id, name: e.name, lon: d.lon, lat: d.lat, seen: e.seenBy.length > 0, identified: e.identifiedBy.length > 0 }] : [];
      });
      return [{ ...s, campusId: site.campusId, outline: site.geometry, placedCameras, entrancePoints }];
    });
    return {
      universityName: names.get(score.universityId) ?? score.universityId,
      campusName: q.campusId ? (names.get(q.campusId) ?? q.campusId) : null,
      campusNames: Object.fromEntries(names),
      score,
      sites,
      coverageMethod: coverage.method,
      generatedAt: this.clock.nowIso(),
      generatedBy: `${actor.displayName}（${actor.username}）`,
    };
  }

  async export(actor: Actor, q: ComplianceReportQuery, format: ReportFormat): Promise<ReportFile> {
    const data = await this.data(actor, q);
    const output = await this.renderer.run({ format, data }).catch((error: unknown) => {
      if (!(error instanceof WorkerJobFailed)) throw error;
      if (/too many jobs waiting/.test(error.message)) throw new AppError('XIAOAN_SERVER_BUSY', `${MAX_QUEUE} reports are waiting to be rendered; try again shortly`);
      throw new AppError('XIAOAN_INTERNAL', `the inspection report could not be rendered (${error.message}); please try again`);
    });
    const bytes = Buffer.from(output.buffer, output.byteOffset, output.byteLength);
    const day = beijingDate(Date.parse(data.score.computedAt));
    const who = [data.universityName, data.campusName].filter(Boolean).join('-');
    await this.audit.recordAlone(actor, {
      action: 'export',
      entityType: 'compliance_report',
      entityId: data.score.campusId ?? data.score.universityId,
      universityId: data.score.universityId,
      after: { format, kind: 'inspection_report', bytes: bytes.length, score: data.score.score, pack: `${data.score.pack.id}@${data.score.pack.version}` },
    });
    return {
      bytes,
      contentType: CONTENT_TYPE[format],
      fileName: `${FILE_TITLE}-${who}-${day}.${format}`.replace(/[\\/:*?"<>|]/g, '_'),
      asciiName: `compliance-report-${day}.${format}`,
    };
  }

  close(): Promise<void> {
    return this.renderer.close();
  }
}
