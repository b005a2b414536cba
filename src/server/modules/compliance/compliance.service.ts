import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { beijingDate } from '../../../shared/beijing-time.ts';
import { CAMERA_KINDS, type DeviceKind, type PrivacyKind } from '../../../shared/domain.ts';
import { FULL_COVERAGE_SHARE, MAX_SNAPSHOT_DAYS, type ComplianceScore, type ComplianceSnapshot, type CoverageReport, type SiteCoverageReport, type SnapshotReplay } from '../../../shared/compliance.ts';
import type { Clock } from '../../clock.ts';
import { AppError, conflict, invalidField, notFound } from '../../http/errors.ts';
import { type Actor, assertInScope, writeScope } from '../../http/policy.ts';
import { writeJson } from '../../store/database.ts';
import type { ModuleDb } from '../../store/tables.ts';
import { uuid7 } from '../../util/uuid7.ts';
import { IsolatedWorker, WorkerJobFailed } from '../../util/isolated-worker.ts';
import type { DevicesService } from '../devices/index.ts';
import type { AlarmStatsService } from '../alarm-stats/index.ts';
import type { RulesService } from '../alarms/index.ts';
import type { DutyService } from '../duty/index.ts';
import type { DeviceHealthService } from '../health/index.ts';
import type { RecordingsService } from '../recordings/index.ts';
import type { OrgService } from '../org/index.ts';
import type { AccessPoint, CoverageCamera, CoverageSite } from './coverage.ts';
import type { CoverageJob, SiteAnalysis } from './coverage.worker.ts';
import { evaluate, type ComplianceInputs, type InputAlarm, type InputPanicRule } from './evaluate.ts';
import { complianceRepository as repo, toSnapshot } from './compliance.repository.ts';
import { evidenceRepository } from './evidence.repository.ts';
import { baselineVersion, effectivePack } from './pack-settings.ts';
import { BASELINE_PACK, SHIPPED_PACKS, type RulePack } from './packs.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
/** The packs a stored score can be recomputed with, by version. */
const PACKS: Record<string, RulePack> = Object.fromEntries(SHIPPED_PACKS.map((p) => [`${p.id}@${p.version}`, p]));

/** The devices that are a site's entrances when they stand on its outline. */
const ACCESS_KINDS: readonly DeviceKind[] = ['door', 'turnstile', 'barrier_gate'];
const DAY_MS = 86_400_000;

export const COVERAGE_METHOD =
  '每个重点部位的面积（按网格取样，格点大小见 cellM）与出入口落在摄像机视场扇形内的比例：扇形取台账中的位置、朝向、视场角和可视距离（不超过其分辨率能达到 25 像素/米的距离）；' +
  '室内部位只计其所在楼层且位于其轮廓内的摄像机，室外部位只计室外摄像机；人脸可辨识范围按 250 像素/米（IEC 62676-4）。';

interface Analysis {
  universityId: string;
  sites: { id: string; name: string; category: SiteCoverageReport['category']; campusId: string; indoor: boolean; analysis: SiteAnalysis }[];
  inputs: ComplianceInputs;
  /** What the coverage worker was given, per site in the order of `sites` (placement suggestions reuse it). */
  job: CoverageJob;
}

const secondsAfter = (from: string, to: string | null) => (to === null ? null : Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000)));

/** S-RESP: an alarm's time to be taken up and, when a guard was sent, to the guard's arrival. */
function responseOf(a: Awaited<ReturnType<AlarmStatsService['handlingOf']>>[number]): InputAlarm {
  return { id: a.id, type: a.type, campusId: a.campus_id, createdAt: a.created_at, ackS: secondsAfter(a.created_at, a.ack_at), arriveS: secondsAfter(a.created_at, a.arrive_at), dispatched: a.dispatch_at !== null };
}

/** S-PANIC-24H: the enabled rules that make alarms of panic-button presses, with their arming and latch. */
function panicRuleOf(r: Awaited<ReturnType<RulesService['rulesFor']>>[number]): InputPanicRule[] {
  const d = r.definition;
  const t = d.trigger;
  const panic = t.type === 'event' && t.kinds.includes('panic') && (!t.deviceKinds || t.deviceKinds.includes('panic_button'));
  const alarms = d.actions.filter((a) => a.type === 'create_alarm');
  if (!panic || !alarms.length) return [];
  return [{ id: r.id, name: d.name, enabled: d.enabled, armedAlways: !d.schedule, latch: alarms.some((a) => a.latch === true) }];
}

/** The coverage answer of analysed sites: each site's figures and the summary. */
function coverageReport(universityId: string, computedAt: string, sites: Analysis['sites']): CoverageReport {
  const reports: SiteCoverageReport[] = sites.map(({ analysis: { deviceIds: _inside, ...c }, name, category, indoor }) => ({ ...c, name, category, indoor }));
  const entrances = reports.flatMap((r) => r.entrances);
  return {
    universityId,
    computedAt,
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

/**
 * Compliance (评估体系, issue 16): the geometric coverage of key sites and the score against the
 * rule pack, computed from the ledger, the key-site outlines and the roster each time they are
 * asked (a minute-old answer is as good as the ledger). The geometry runs in a worker thread so a
 * 5,000-camera university does not stall the event loop that acknowledges devices.
 */
export class ComplianceService {
  private readonly worker = new IsolatedWorker<CoverageJob, SiteAnalysis[]>(new URL('./coverage.worker.ts', import.meta.url), {
    name: 'coverage analysis',
    timeoutMs: 60_000,
    maxOldGenerationSizeMb: 512,
    maxQueue: 8,
  });

  constructor(
    private readonly db: ModuleDb<'compliance'>,
    private readonly org: Pick<OrgService, 'keySitesOf' | 'treeRows' | 'isUniversity' | 'universityIds'>,
    private readonly ledger: Pick<DevicesService, 'ofUniversity'>,
    private readonly duty: Pick<DutyService, 'commandCentreGaps' | 'commandShifts' | 'certifiedCheck' | 'uncertifiedOperators'>,
    private readonly use: {
      health: Pick<DeviceHealthService, 'statesOf'>;
      alarmStats: Pick<AlarmStatsService, 'handlingOf'>;
      rules: Pick<RulesService, 'rulesFor'>;
      recordings: Pick<RecordingsService, 'complianceFacts'>;
    },
    private readonly clock: Clock,
  ) {}

  async coverage(actor: Actor, q: { universityId?: string; campusId?: string; siteId?: string }): Promise<CoverageReport> {
    const universityId = await writeScope(actor, q.universityId, (id) => this.org.isUniversity(id));
    const a = await this.analyse(universityId, (s) => (!q.campusId || s.campusId === q.campusId) && (!q.siteId || s.id === q.siteId));
    if (q.siteId && a.sites.length === 0) throw notFound('key site');
    return coverageReport(universityId, a.inputs.asOf, a.sites);
  }

  /** The university's (or one campus's) score against the pack, each rule with its figure and findings. */
  async score(actor: Actor, q: { universityId?: string; campusId?: string }): Promise<ComplianceScore> {
    return (await this.scoreWithCoverage(actor, q)).score;
  }

  /** The score and the key-site coverage of the same analysis (the inspection report shows both): the geometry runs once. */
  async scoreWithCoverage(actor: Actor, q: { universityId?: string; campusId?: string }): Promise<{ score: ComplianceScore; coverage: CoverageReport }> {
    const universityId = await writeScope(actor, q.universityId, (id) => this.org.isUniversity(id));
    const a = await this.analyse(universityId, () => true);
    if (q.campusId && !a.inputs.devices.some((d) => d.campusId === q.campusId) && !a.sites.some((s) => s.campusId === q.campusId)) throw notFound('campus');
    return {
      score: evaluate(effectivePack(BASELINE_PACK, a.inputs.packOverrides), a.inputs, q.campusId ?? null, a.inputs.asOf),
      coverage: coverageReport(universityId, a.inputs.asOf, a.sites.filter((s) => !q.campusId || s.campusId === q.campusId)),
    };
  }

  // ---- 评估快照: a score per university and day, with its inputs ----

  /** Takes (or replaces) today's snapshot of the university: the score and the inputs it came from, gzip JSON. */
  async takeSnapshot(universityId: string): Promise<ComplianceSnapshot> {
    const a = await this.analyse(universityId, () => true);
    const s = evaluate(effectivePack(BASELINE_PACK, a.inputs.packOverrides), a.inputs, null, a.inputs.asOf);
    const row = {
      id: uuid7(),
      university_id: universityId,
      day: beijingDate(Date.parse(a.inputs.asOf)),
      pack_id: s.pack.id,
      pack_version: s.pack.version,
      score: s.score,
      earned: s.earned,
      possible: s.possible,
      counts: writeJson(s.counts),
      // Compressed off the event loop (libuv's pool): the demo's inputs are a few MB of JSON.
      inputs: new Uint8Array(await gzipAsync(JSON.stringify(a.inputs))),
      computed_at: a.inputs.asOf,
    };
    await repo.putSnapshot(this.db, row);
    return toSnapshot(row);
  }

  /** Job: each university without a snapshot of today gets one (one at a time: the geometry runs in one worker). */
  async snapshotDue(): Promise<number> {
    const day = beijingDate(this.clock.now());
    let taken = 0;
    for (const universityId of await this.org.universityIds()) {
      if (await repo.hasDay(this.db, universityId, day)) continue;
      await this.takeSnapshot(universityId);
      taken++;
    }
    return taken;
  }

  /** The daily scores of the last `days` days, oldest first (the trend). */
  async snapshots(actor: Actor, q: { universityId?: string; days?: number }): Promise<ComplianceSnapshot[]> {
    const universityId = await writeScope(actor, q.universityId, (id) => this.org.isUniversity(id));
    const days = q.days ?? 90;
    if (!Number.isInteger(days) || days < 1 || days > MAX_SNAPSHOT_DAYS) throw invalidField('days', `must be a whole number from 1 to ${MAX_SNAPSHOT_DAYS}`);
    const from = beijingDate(this.clock.now() - (days - 1) * DAY_MS);
    return (await repo.snapshots(this.db, universityId, from)).map(toSnapshot);
  }

  /**
   * A stored score computed again from its stored inputs with the pack version it names (and the
   * university's tightened parameters and evidence as they were, kept in the inputs): the proof it is reproducible.
   */
  async replay(actor: Actor, id: string): Promise<SnapshotReplay> {
    const row = assertInScope(actor, await repo.snapshot(this.db, id), (r) => r.university_id, 'snapshot');
    const pack = PACKS[`${row.pack_id}@${baselineVersion(row.pack_version)}`];
    if (!pack) throw conflict(`rule pack ${row.pack_id} version ${row.pack_version} is no longer shipped; the stored inputs are kept`);
    const inputs = JSON.parse((await gunzipAsync(row.inputs)).toString('utf8')) as ComplianceInputs;
    const recomputed = evaluate(effectivePack(pack, inputs.packOverrides), inputs, null, row.computed_at);
    const snapshot = toSnapshot(row);
    const identical = recomputed.score === snapshot.score && recomputed.earned === snapshot.earned && recomputed.possible === snapshot.possible && (['pass', 'partial', 'fail', 'no_data'] as const).every((k) => recomputed.counts[k] === snapshot.counts[k]);
    return { snapshot, recomputed, identical };
  }

  /** Gathers the inputs and runs the coverage worker (for score, coverage, snapshots and the remediation plan). */
  async analyse(universityId: string, siteFilter: (s: { id: string; campusId: string }) => boolean): Promise<Analysis> {
    const now = this.clock.now();
    const responseDays = BASELINE_PACK.rules.find((r) => r.id === 'S-RESP')?.params.days ?? 30;
    const [keySites, rows, devices, gaps, shifts, certified, operatorsUncertified, handled, rules, packOverrides, evidence, recordings] = await Promise.all([
      this.org.keySitesOf(universityId),
      this.org.treeRows(universityId),
      this.ledger.ofUniversity(universityId),
      this.duty.commandCentreGaps(universityId, now, now + 7 * DAY_MS),
      this.duty.commandShifts(universityId, now, now + 7 * DAY_MS),
      this.duty.certifiedCheck(universityId),
      this.duty.uncertifiedOperators(universityId, beijingDate(now)),
      this.use.alarmStats.handlingOf(universityId, now - responseDays * DAY_MS, now),
      this.use.rules.rulesFor(universityId),
      evidenceRepository.overrides(this.db, universityId),
      evidenceRepository.latest(this.db, universityId),
      this.use.recordings.complianceFacts(universityId),
    ]);
    // S-CERT: who the published roster puts in the command centre this week without a certificate on that date
    // (a university that records no certificate at all has nobody certified).
    const rostered = new Map<string, { name: string; dates: Set<string> }>();
    for (const s of shifts) {
      const entry = rostered.get(s.accountId) ?? { name: s.accountName, dates: new Set<string>() };
      if (!certified?.(s.accountId, s.date)) entry.dates.add(s.date);
      rostered.set(s.accountId, entry);
    }
    const uncertified = [...rostered].filter(([, e]) => e.dates.size).map(([accountId, e]) => ({ accountId, name: e.name, dates: [...e.dates].sort() }));
    const chosen = keySites.filter(siteFilter);
    const floorsOf = new Map<string, string[]>();
    const privacyOf = new Map<string, PrivacyKind>();
    for (const r of rows) {
      if (r.kind === 'floor' && r.parent_id) floorsOf.set(r.parent_id, [...(floorsOf.get(r.parent_id) ?? []), r.id]);
      if (r.privacy) privacyOf.set(r.id, r.privacy as PrivacyKind);
    }
    // An indoor site lies on its recorded floors, or on every floor of its building when none is recorded.
    const sites: CoverageSite[] = chosen.map((s) => ({ id: s.id, geometry: s.geometry, floorIds: s.buildingId ? (s.floorIds.length ? s.floorIds : (floorsOf.get(s.buildingId) ?? [])) : null }));
    const inService = devices.filter((d) => d.status === 'in_service');
    const cameras: CoverageCamera[] = devices
      .filter((d) => CAMERA_KINDS.includes(d.kind) && d.camera)
      .map((d) => ({ id: d.id, name: d.name, lon: d.lon, lat: d.lat, bearingDeg: d.camera!.bearingDeg, fovDeg: d.camera!.fovDeg, rangeM: d.camera!.rangeM, resolution: d.camera!.resolution, floorId: d.floorId, inService: d.status === 'in_service' }));
    const placed = inService.filter((d) => d.lon !== null && d.lat !== null).map((d) => ({ id: d.id, name: d.name, lon: d.lon!, lat: d.lat!, floorId: d.floorId, kind: d.kind }));
    const accessPoints: AccessPoint[] = placed.filter((d) => ACCESS_KINDS.includes(d.kind));

    const job: CoverageJob = { sites, cameras, accessPoints, devices: placed };
    const analyses = await this.worker.run(job).catch((error: unknown) => {
      throw error instanceof WorkerJobFailed ? new AppError('XIAOAN_INTERNAL', `the coverage could not be computed (${error.message}); please try again`) : error;
    });
    const analysed = analyses.map((analysis, i) => ({ id: chosen[i]!.id, name: chosen[i]!.name, category: chosen[i]!.category, campusId: chosen[i]!.campusId, indoor: sites[i]!.floorIds !== null, analysis }));
    return {
      universityId,
      sites: analysed,
      job,
      inputs: {
        universityId,
        asOf: new Date(now).toISOString(),
        devices: devices.map((d) => ({
          id: d.id,
          name: d.name,
          kind: d.kind,
          inService: d.status === 'in_service',
          campusId: d.campusId,
          retentionDays: d.retentionDays,
          resolution: d.camera?.resolution ?? null,
          areaPrivacy: (d.areaId && privacyOf.get(d.areaId)) || null,
          underRepairSince: d.status === 'under_repair' ? d.updatedAt : null,
        })),
        sites: analysed.map((s) => ({ id: s.id, name: s.name, category: s.category, campusId: s.campusId, coverage: s.analysis, deviceIds: s.analysis.deviceIds })),
        duty: gaps === null ? null : { gaps: gaps.map((g) => ({ post: g.postName, from: g.from, to: g.to })), rostered: rostered.size, uncertified, operatorsUncertified: operatorsUncertified ?? [] },
        health: this.use.health.statesOf(universityId).map((h) => ({ id: h.deviceId, online: h.online, lastSeenAt: new Date(h.lastSeenMs).toISOString() })),
        alarms: handled.map(responseOf),
        panicRules: rules.flatMap(panicRuleOf),
        recordings,
        packOverrides,
        evidence,
      },
    };
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
