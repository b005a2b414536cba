import { CAMERA_KINDS, type DeviceKind } from '../../../shared/domain.ts';
import { FULL_COVERAGE_SHARE, type CoverageReport, type SiteCoverageReport } from '../../../shared/compliance.ts';
import type { Clock } from '../../clock.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { type Actor, writeScope } from '../../http/policy.ts';
import { IsolatedWorker, WorkerJobFailed } from '../../util/isolated-worker.ts';
import type { DevicesService } from '../devices/index.ts';
import type { OrgService } from '../org/index.ts';
import type { AccessPoint, CoverageCamera, CoverageSite, SiteCoverage } from './coverage.ts';
import type { CoverageJob } from './coverage.worker.ts';

/** The devices that are a site's entrances when they stand on its outline. */
const ACCESS_KINDS: readonly DeviceKind[] = ['door', 'turnstile', 'barrier_gate'];

export const COVERAGE_METHOD =
  '每个重点部位的面积与出入口在摄像机视场扇形并集内的比例：扇形取台账中的位置、朝向、视场角和可视距离（不超过其分辨率能达到 25 像素/米的距离）；' +
  '室内部位只计其所在楼层且位于其轮廓内的摄像机，室外部位只计室外摄像机；人脸可辨识范围按 250 像素/米（IEC 62676-4）。';

/**
 * Compliance (评估体系, issue 16): the geometric coverage of key sites, computed from the ledger and
 * the key-site outlines each time it is asked (a minute-old answer is as good as the ledger), in a
 * worker thread so a 5,000-camera university does not stall the event loop that acknowledges devices.
 */
export class ComplianceService {
  private readonly worker = new IsolatedWorker<CoverageJob, SiteCoverage[]>(new URL('./coverage.worker.ts', import.meta.url), {
    name: 'coverage analysis',
    timeoutMs: 60_000,
    maxOldGenerationSizeMb: 512,
    maxQueue: 8,
  });

  constructor(
    private readonly org: Pick<OrgService, 'keySitesOf' | 'treeRows' | 'isUniversity'>,
    private readonly ledger: Pick<DevicesService, 'ofUniversity'>,
    private readonly clock: Clock,
  ) {}

  async coverage(actor: Actor, q: { universityId?: string; campusId?: string; siteId?: string }): Promise<CoverageReport> {
    const universityId = await writeScope(actor, q.universityId, (id) => this.org.isUniversity(id));
    const [keySites, rows, devices] = await Promise.all([this.org.keySitesOf(universityId), this.org.treeRows(universityId), this.ledger.ofUniversity(universityId)]);
    const chosen = keySites.filter((s) => (!q.campusId || s.campusId === q.campusId) && (!q.siteId || s.id === q.siteId));
    if (q.siteId && chosen.length === 0) throw notFound('key site');

    const floorsOf = new Map<string, string[]>();
    for (const r of rows) if (r.kind === 'floor' && r.parent_id) floorsOf.set(r.parent_id, [...(floorsOf.get(r.parent_id) ?? []), r.id]);
    const sites: CoverageSite[] = chosen.map((s) => ({ id: s.id, geometry: s.geometry, floorIds: s.buildingId ? (floorsOf.get(s.buildingId) ?? []) : null }));
    const inService = (status: string) => status === 'in_service';
    const cameras: CoverageCamera[] = devices
      .filter((d) => CAMERA_KINDS.includes(d.kind) && d.camera)
      .map((d) => ({ id: d.id, name: d.name, lon: d.lon, lat: d.lat, bearingDeg: d.camera!.bearingDeg, fovDeg: d.camera!.fovDeg, rangeM: d.camera!.rangeM, resolution: d.camera!.resolution, floorId: d.floorId, inService: inService(d.status) }));
    const accessPoints: AccessPoint[] = devices
      .filter((d) => ACCESS_KINDS.includes(d.kind) && d.lon !== null && d.lat !== null && inService(d.status))
      .map((d) => ({ id: d.id, name: d.name, lon: d.lon!, lat: d.lat!, floorId: d.floorId }));

    const computed = await this.worker.run({ sites, cameras, accessPoints }).catch((error: unknown) => {
      throw error instanceof WorkerJobFailed ? new AppError('XIAOAN_INTERNAL', `the coverage could not be computed (${error.message}); please try again`) : error;
    });
    const reports: SiteCoverageReport[] = computed.map((c, i) => ({ ...c, name: chosen[i]!.name, category: chosen[i]!.category, indoor: sites[i]!.floorIds !== null }));
    const entrances = reports.flatMap((r) => r.entrances);
    return {
      universityId,
      computedAt: new Date(this.clock.now()).toISOString(),
      method: COVERAGE_METHOD,
      sites: reports,
      summary: {
        sites: reports.length,
        fullyCovered: reports.filter((r) => r.share >= FULL_COVERAGE_SHARE).length,
        meanShare: reports.length ? reports.reduce((sum, r) => sum + r.share, 0) / reports.length : null,
        entrances: entrances.length,
        entrancesIdentified: entrances.filter((e) => e.identifiedBy.length > 0).length,
      },
    };
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
