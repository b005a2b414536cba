import path from 'node:path';
import { CAMERA_KINDS, CAMERA_RESOLUTIONS, type CameraResolution } from '../../../shared/domain.ts';
import type { Device } from '../../../shared/devices.ts';
import { BEIJING_TIME_ZONE, beijingDate } from '../../../shared/beijing-time.ts';
import type {
  CameraCompleteness,
  CompletenessPage,
  RecorderState,
  RecordingDay,
  RecordingPlan,
  RecordingPlanInput,
  RecordingSegment,
  SegmentList,
  StoragePlan,
} from '../../../shared/recordings.ts';
import type { Clock } from '../../clock.ts';
import { AppError, invalidField, notFound } from '../../http/errors.ts';
import { type Actor, inScope, listScope } from '../../http/policy.ts';
import type { ModuleDb } from '../../store/tables.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { IngestService } from '../ingest/index.ts';
import type { MediaService } from '../media/index.ts';
import type { KeySite, OrgService } from '../org/index.ts';
import { Recorder, safeName, type ClosedSegment, type RecorderDesire } from './recorder.ts';
import { recoverSegmentFile, segmentFilesOf } from './recovery.ts';
import type { PlanRow, RecordingsRepository, SegmentRow } from './recordings.repository.ts';
import { retentionOf, type RecordingsCleaner } from './retention.ts';
import type { OpenSegmentFile } from './segment-file.ts';
import { beijingDayStart, clip, expectedIntervals, holes, inWindows, JOIN_TOLERANCE_MS, overlapMs, totalMs, union, type Interval } from './timeline.ts';

const DAY_MS = 86_400_000;
/** Segments one list call returns at most (a day of 60-s segments is 1,440). */
const MAX_SEGMENTS_LISTED = 2_000;
/** Segments a day's completeness reads at most per camera (a day of 2-s segments is 43,200). */
const MAX_SEGMENTS_PER_DAY = 50_000;

/** A recorded camera's facts for compliance (S-REC), see `complianceFacts`. */
export interface RecordingFact {
  deviceId: string;
  /** Yesterday's recorded share of what its plan expected, null if the plan expected nothing. */
  complete: number | null;
  /** Days back to the oldest recording held, null if none is held. */
  heldDays: number | null;
  retentionDays: number;
  /** Days the plan has run. */
  planDays: number;
}
const DEFAULT_PRE_ROLL_S = 10;
const DEFAULT_POST_ROLL_S = 30;

/**
 * Average bitrates assumed by the storage planner, per resolution class (H.264 main stream, a
 * typical campus scene; H.265 halves them). Stated in every answer, so a reader can redo the sums.
 */
export const ASSUMED_BITRATE_MBPS: Record<CameraResolution, number> = { analog: 1.5, '720p': 2, '1080p': 4, '4k': 8 };

export interface RecordingsOptions {
  /** Absolute XIAOAN_DATA_DIR. */
  dataDir: string;
  segmentMs: number;
  minFreeBytes: number;
  maxQueuedBytes: number;
  retryBaseMs: number;
  retryMaxMs: number;
  gapEventMs: number;
  /** How often plans are looked at (schedule windows opening and closing, post-rolls ending). */
  tickMs: number;
  openFile: OpenSegmentFile;
}

interface Log {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
  error(o: object, m: string): void;
}

const OFF_PLAN = (deviceId: string, universityId: string): PlanRow => ({
  deviceId,
  universityId,
  mode: 'off',
  windows: [],
  preRollS: DEFAULT_PRE_ROLL_S,
  postRollS: DEFAULT_POST_ROLL_S,
  since: '',
  updatedAt: '',
  updatedBy: null,
});

const IDLE: RecorderState = { state: 'idle', since: null, lastError: null, outageSince: null, segmentsWritten: 0, bytesWritten: 0, droppedFragments: 0, writeErrors: 0 };

/**
 * Recording (录像): a plan per camera (off by default, continuous, weekly windows, or around
 * alarms), one recorder per camera that should record, the segment index, and what it tells —
 * segments of a time range, a day's completeness against the plan, the storage the retention
 * rules need. Retention and disk-full protection are in retention.ts.
 */
export class RecordingsService {
  /** Plans other than off: what the recorders follow. */
  private readonly plans = new Map<string, PlanRow>();
  private readonly recorders = new Map<string, Recorder>();
  private readonly triggeredUntil = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private reconciling: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: ModuleDb<'recordings'>,
    private readonly repo: RecordingsRepository,
    private readonly cleaner: RecordingsCleaner,
    private readonly devices: Pick<DevicesService, 'get' | 'byIds' | 'list' | 'ofUniversity'>,
    private readonly org: Pick<OrgService, 'keySitesOf' | 'unit' | 'namesOf' | 'universityIds'>,
    private readonly media: Pick<MediaService, 'open'>,
    private readonly ingest: Pick<IngestService, 'ingestParsed'>,
    private readonly audit: Pick<AuditService, 'record' | 'recordAlone'>,
    private readonly clock: Clock,
    private readonly opts: RecordingsOptions,
    private readonly log: Log,
  ) {}

  // ---------------------------------------------------------------------------------------------
  // Recorders

  /** Loads the plans and starts the recorders that should run; looks at them again every tick. */
  async start(): Promise<void> {
    const plans = await this.repo.plans(this.db);
    await this.recoverCutOffSegments(plans.map((p) => p.deviceId)).catch((err: unknown) => this.log.warn({ err }, 'recovering cut-off recording segments failed'));
    for (const p of plans) if (p.mode !== 'off') this.plans.set(p.deviceId, p);
    for (const p of this.plans.values()) {
      if (p.mode !== 'continuous') continue;
      // A continuous camera was expected to record while the platform was down: the hole is reported when it records again.
      const lastEnd = await this.repo.newestEnd(this.db, p.deviceId);
      const from = Math.max(lastEnd ? Date.parse(lastEnd) : 0, Date.parse(p.since));
      this.recorderOf(p).expectSince(from);
    }
    await this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), this.opts.tickMs);
    this.timer.unref();
  }

  /**
   * The segment a recorder was writing when the platform was killed is on disk but not in the
   * index: its whole frames are kept and indexed (so retention cleans it and playback finds it),
   * a file with no whole frame is removed. Only the last two Beijing days are looked at: a crash
   * leaves at most one such file per camera, and only while it records.
   */
  private async recoverCutOffSegments(deviceIds: string[]) {
    const now = this.clock.now();
    const days = [now - DAY_MS, now].map((ms) => beijingDate(ms).replace(/-/g, ''));
    for (const deviceId of deviceIds) {
      const files = await segmentFilesOf(this.opts.dataDir, safeName(deviceId), days);
      const indexed = await this.repo.indexedPaths(this.db, files);
      for (const file of files.filter((f) => !indexed.has(f))) {
        const recovered = await recoverSegmentFile(this.opts.dataDir, file);
        const device = recovered && (await this.devices.byIds([deviceId]))[0];
        if (!recovered || !device) continue;
        await this.indexSegment({ ...recovered, deviceId, universityId: device.universityId });
        this.log.warn({ deviceId, path: file, seconds: (recovered.endMs - recovered.startMs) / 1000 }, 'indexed a recording segment cut off by a crash (its whole frames kept)');
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.reconciling;
    await Promise.all([...this.recorders.values()].map((r) => r.stop()));
    this.recorders.clear();
  }

  /** Sets every recorder to what its plan asks at the clock's now. Runs one at a time. */
  reconcile(): Promise<void> {
    this.reconciling = this.reconciling.then(() => this.reconcileNow()).catch((err) => this.log.error({ err }, 'recording plans could not be applied'));
    return this.reconciling;
  }

  private async reconcileNow() {
    if (this.stopping) return;
    const now = this.clock.now();
    for (const [deviceId, recorder] of this.recorders) {
      if (this.plans.has(deviceId)) continue;
      this.recorders.delete(deviceId);
      await recorder.stop();
    }
    for (const plan of this.plans.values()) this.recorderOf(plan).setDesire(this.desireOf(plan, now));
  }

  private desireOf(plan: PlanRow, now: number): RecorderDesire {
    switch (plan.mode) {
      case 'continuous':
        return { attach: true, write: true, preRollMs: 0 };
      case 'schedule': {
        const on = inWindows(plan.windows, now);
        return { attach: on, write: on, preRollMs: 0 };
      }
      case 'alarm': {
        const until = this.triggeredUntil.get(plan.deviceId);
        const writing = until !== undefined && now < until;
        if (until !== undefined && !writing) this.triggeredUntil.delete(plan.deviceId);
        return { attach: writing || plan.preRollS > 0, write: writing, preRollMs: plan.preRollS * 1000 };
      }
      default:
        return { attach: false, write: false, preRollMs: 0 };
    }
  }

  private recorderOf(plan: PlanRow): Recorder {
    let r = this.recorders.get(plan.deviceId);
    if (!r) {
      const deviceId = plan.deviceId;
      r = new Recorder(
        deviceId,
        plan.universityId,
        this.clock,
        {
          open: (id) => this.media.open(id),
          indexSegment: (s) => this.indexSegment(s),
          videoLost: (atMs, reason) => this.emit(deviceId, 'video.loss', `recording:loss:${atMs}`, atMs, { detail: reason.slice(0, 200) }),
          videoRestored: (atMs, lostMs) => this.emit(deviceId, 'video.restored', `recording:restored:${atMs}`, atMs, { lostS: Math.round(lostMs / 1000) }),
          gapClosed: (fromMs, toMs) =>
            this.emit(deviceId, 'recording.gap', `recording:gap:${fromMs}`, toMs, { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), gapS: Math.round((toMs - fromMs) / 1000) }),
          warn: (o, m) => this.log.warn(o, m),
        },
        this.opts,
      );
      this.recorders.set(deviceId, r);
    }
    return r;
  }

  /**
   * An alarm of the camera (the alarms module may call this): in alarm mode it records from
   * the pre-roll before `atMs` until the post-roll after it, extended by later alarms. False when
   * the camera's plan is not alarm recording.
   */
  /** Whether any camera records on alarms (nothing to do for an alarm otherwise). */
  recordsOnAlarm(): boolean {
    for (const p of this.plans.values()) if (p.mode === 'alarm') return true;
    return false;
  }

  async triggerAlarm(deviceId: string, atMs: number = this.clock.now()): Promise<boolean> {
    const plan = this.plans.get(deviceId);
    if (plan?.mode !== 'alarm') return false;
    const until = atMs + plan.postRollS * 1000;
    this.triggeredUntil.set(deviceId, Math.max(this.triggeredUntil.get(deviceId) ?? 0, until));
    await this.reconcile();
    return true;
  }

  /** Resolves when every segment closed so far is on disk and in the index (tests, shutdown). */
  async settled(deviceId?: string): Promise<void> {
    for (const [id, r] of this.recorders) if (!deviceId || id === deviceId) await r.settled();
  }

  private async indexSegment(s: ClosedSegment) {
    await this.repo.insertSegment(this.db, {
      id: uuid7(s.startMs),
      deviceId: s.deviceId,
      universityId: s.universityId,
      startAt: new Date(s.startMs).toISOString(),
      endAt: new Date(s.endMs).toISOString(),
      path: s.path,
      bytes: s.bytes,
      codec: s.codec,
      initBytes: s.initBytes,
      evidenceHold: false,
      createdAt: this.clock.nowIso(),
    });
  }

  /** A recording event into the normal event path (source `media`), so rules can make alarms of it. */
  private emit(deviceId: string, kind: 'video.loss' | 'video.restored' | 'recording.gap', sourceEventId: string, atMs: number, payload: object) {
    const envelope = { kind, sourceEventId, occurredAt: new Date(Math.min(atMs, this.clock.now())).toISOString(), payload };
    void this.ingest.ingestParsed(envelope, { source: 'media', deviceId }).then(
      (r) => {
        if (r.status === 'rejected') this.log.warn({ deviceId, kind, reason: r.reason }, 'a recording event was refused');
      },
      (err) => this.log.error({ err, deviceId, kind }, 'a recording event could not be stored'),
    );
  }

  /** A ledger change: a camera gone from the ledger stops recording (its recordings stay until retention). */
  async deviceChanged(deviceId: string): Promise<void> {
    const plan = this.plans.get(deviceId);
    if (!plan) return;
    if ((await this.devices.byIds([deviceId])).length) return;
    this.plans.delete(deviceId);
    await this.repo.savePlan(this.db, { ...plan, mode: 'off', since: this.clock.nowIso(), updatedAt: this.clock.nowIso(), updatedBy: 'system' });
    await this.reconcile();
  }

  // ---------------------------------------------------------------------------------------------
  // Plans

  private async camera(actor: Actor, deviceId: string): Promise<Device> {
    const device = await this.devices.get(actor, deviceId);
    if (!CAMERA_KINDS.includes(device.kind)) throw new AppError('XIAOAN_MEDIA_NO_VIDEO', `${device.name} is not a camera: only cameras are recorded`);
    return device;
  }

  async getPlan(actor: Actor, deviceId: string): Promise<RecordingPlan> {
    const device = await this.camera(actor, deviceId);
    const plan = (await this.repo.plan(this.db, deviceId)) ?? OFF_PLAN(deviceId, device.universityId);
    return this.viewOf(plan, device, await this.org.keySitesOf(device.universityId));
  }

  async putPlan(actor: Actor, deviceId: string, input: RecordingPlanInput): Promise<RecordingPlan> {
    const device = await this.camera(actor, deviceId);
    const windows = input.windows ?? [];
    if (input.mode === 'schedule' && !windows.length) throw invalidField('windows', 'a schedule needs at least one weekly window', 'required');
    if (input.mode !== 'schedule' && windows.length) throw invalidField('windows', `windows apply to schedule recording only, not to ${input.mode}`, 'mode');
    if (input.mode !== 'alarm' && (input.preRollS !== undefined || input.postRollS !== undefined))
      throw invalidField(input.preRollS !== undefined ? 'preRollS' : 'postRollS', `pre- and post-roll apply to alarm recording only, not to ${input.mode}`, 'mode');
    const before = await this.repo.plan(this.db, deviceId);
    const now = this.clock.nowIso();
    const changed = !before || before.mode !== input.mode || JSON.stringify(before.windows) !== JSON.stringify(windows);
    const plan: PlanRow = {
      deviceId,
      universityId: device.universityId,
      mode: input.mode,
      windows,
      preRollS: input.preRollS ?? before?.preRollS ?? DEFAULT_PRE_ROLL_S,
      postRollS: input.postRollS ?? before?.postRollS ?? DEFAULT_POST_ROLL_S,
      since: changed ? now : before.since,
      updatedAt: now,
      updatedBy: actor.id,
    };
    await this.db.transaction().execute(async (trx) => {
      await this.repo.savePlan(trx, plan);
      const shown = (p: PlanRow | undefined) => p && { mode: p.mode, windows: p.windows, preRollS: p.preRollS, postRollS: p.postRollS };
      await this.audit.record(trx, actor, { action: 'recording.plan_changed', entityType: 'device', entityId: deviceId, universityId: device.universityId, before: shown(before) ?? null, after: shown(plan) });
    });
    if (plan.mode === 'off') this.plans.delete(deviceId);
    else this.plans.set(deviceId, plan);
    if (plan.mode !== 'alarm') this.triggeredUntil.delete(deviceId);
    await this.reconcile();
    return this.viewOf(plan, device, await this.org.keySitesOf(device.universityId));
  }

  private viewOf(plan: PlanRow, device: Device, sites: KeySite[]): RecordingPlan {
    return {
      deviceId: plan.deviceId,
      mode: plan.mode,
      windows: plan.windows,
      preRollS: plan.preRollS,
      postRollS: plan.postRollS,
      since: plan.since || null,
      updatedAt: plan.updatedAt || null,
      retention: retentionOf(device, sites),
      recorder: this.recorders.get(plan.deviceId)?.status() ?? IDLE,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Segments

  async segments(actor: Actor, deviceId: string, q: { from: string; to: string }): Promise<SegmentList> {
    await this.camera(actor, deviceId);
    const { from, to } = range(q.from, q.to);
    const rows = await this.repo.segmentsBetween(this.db, [deviceId], from, to, MAX_SEGMENTS_LISTED + 1);
    return { items: rows.slice(0, MAX_SEGMENTS_LISTED).map(segmentView), truncated: rows.length > MAX_SEGMENTS_LISTED };
  }

  /**
   * A segment's file for playback. `audit`: record that the actor played it (the route does so
   * for the first request of a playback, not for each range a player asks for while seeking).
   */
  async segmentFile(actor: Actor, segmentId: string, audit: boolean): Promise<{ segment: SegmentRow; relativePath: string }> {
    const segment = await this.repo.segment(this.db, segmentId);
    if (!segment || !inScope(actor, segment.universityId)) throw notFound('recording segment');
    if (audit) {
      await this.audit.recordAlone(actor, {
        action: 'video.playback',
        entityType: 'device',
        entityId: segment.deviceId,
        universityId: segment.universityId,
        after: { segmentId: segment.id, from: segment.startAt, to: segment.endAt },
      });
    }
    return { segment, relativePath: segment.path };
  }

  /**
   * Holds (or releases) a camera's segments overlapping [from, to) as evidence: retention and
   * disk-full protection never delete them. For the evidence and case modules; resolves with the
   * number of segments changed.
   */
  /**
   * The segment files of a camera overlapping [from, to), oldest first, with absolute paths (for
   * the platform itself: the evidence module cuts clips from them). No actor: the caller checks.
   */
  async filesBetween(deviceId: string, from: string, to: string): Promise<{ path: string; startAt: string; endAt: string }[]> {
    const rows = await this.repo.segmentsBetween(this.db, [deviceId], new Date(from).toISOString(), new Date(to).toISOString(), MAX_SEGMENTS_LISTED);
    return rows.map((r) => ({ path: path.join(this.opts.dataDir, r.path), startAt: r.startAt, endAt: r.endAt }));
  }

  setEvidenceHold(deviceId: string, from: string, to: string, hold: boolean): Promise<number> {
    return this.repo.setHold(this.db, deviceId, new Date(from).toISOString(), new Date(to).toISOString(), hold);
  }

  // ---------------------------------------------------------------------------------------------
  // Completeness

  async day(actor: Actor, deviceId: string, date: string): Promise<RecordingDay> {
    const device = await this.camera(actor, deviceId);
    const [plan, sites, oldest] = await Promise.all([this.repo.plan(this.db, deviceId), this.org.keySitesOf(device.universityId), this.repo.oldest(this.db, [deviceId])]);
    const dayStart = dayStartOf(date);
    const segments = await this.repo.segmentsBetween(this.db, [deviceId], new Date(dayStart).toISOString(), new Date(dayStart + DAY_MS).toISOString(), MAX_SEGMENTS_PER_DAY);
    const c = this.completenessOf(plan ?? OFF_PLAN(deviceId, device.universityId), segments, dayStart);
    const span = ([a, b]: Interval) => ({ from: new Date(a).toISOString(), to: new Date(b).toISOString(), seconds: (b - a) / 1000 });
    return {
      deviceId,
      date,
      timeZone: BEIJING_TIME_ZONE,
      mode: plan?.mode ?? 'off',
      expected: c.expected.map(span),
      recorded: c.recorded.map(span),
      gaps: c.gaps.map(span),
      expectedS: totalMs(c.expected) / 1000,
      recordedS: c.recordedMs / 1000,
      complete: c.complete,
      oldestRecordingAt: oldest.get(deviceId) ?? null,
      retentionDays: retentionOf(device, sites).days,
    };
  }

  /** Per camera of the actor's university (or the one a city-wide role names), one page: a day's completeness and what is held. */
  async completeness(actor: Actor, q: { date: string; page: number; pageSize: number; universityId?: string; campusId?: string }): Promise<CompletenessPage> {
    const dayStart = dayStartOf(q.date);
    const universityId = listScope(actor, q.universityId);
    const page = await this.devices.list(actor, { universityId: universityId ?? undefined, kind: [...CAMERA_KINDS], campusId: q.campusId, sort: 'name', order: 'asc', page: q.page, pageSize: q.pageSize });
    const ids = page.items.map((d) => d.id);
    const [plans, oldest, segments] = await Promise.all([
      this.repo.plans(this.db, { deviceIds: ids }),
      this.repo.oldest(this.db, ids),
      this.repo.segmentsBetween(this.db, ids, new Date(dayStart).toISOString(), new Date(dayStart + DAY_MS).toISOString(), MAX_SEGMENTS_PER_DAY * 4),
    ]);
    const planOf = new Map(plans.map((p) => [p.deviceId, p]));
    const segmentsOf = new Map<string, SegmentRow[]>();
    for (const s of segments) segmentsOf.set(s.deviceId, [...(segmentsOf.get(s.deviceId) ?? []), s]);
    const sites = new Map<string, KeySite[]>();
    for (const u of new Set(page.items.map((d) => d.universityId))) sites.set(u, await this.org.keySitesOf(u));
    const now = this.clock.now();
    const items: CameraCompleteness[] = page.items.map((d) => {
      const plan = planOf.get(d.id) ?? OFF_PLAN(d.id, d.universityId);
      const c = this.completenessOf(plan, segmentsOf.get(d.id) ?? [], dayStart);
      const retention = retentionOf(d, sites.get(d.universityId) ?? []);
      const held = oldest.get(d.id) ?? null;
      return {
        deviceId: d.id,
        name: d.name,
        campusId: d.campusId,
        mode: plan.mode,
        expectedS: totalMs(c.expected) / 1000,
        recordedS: c.recordedMs / 1000,
        gapCount: c.gaps.length,
        complete: c.complete,
        oldestRecordingAt: held,
        retentionDays: retention.days,
        retentionSource: retention.source,
        heldDays: held === null ? null : Math.round(((now - Date.parse(held)) / DAY_MS) * 100) / 100,
      };
    });
    return { date: q.date, timeZone: BEIJING_TIME_ZONE, items, total: page.total, page: q.page, pageSize: q.pageSize };
  }

  /** What the plan expected of a Beijing day up to now (from when the plan took effect), what was recorded, the gaps. */
  private completenessOf(plan: PlanRow, segments: readonly SegmentRow[], dayStart: number) {
    const now = this.clock.now();
    const from = Math.max(dayStart, plan.since ? Date.parse(plan.since) : dayStart);
    const expected = expectedIntervals(plan, dayStart, from, Math.min(dayStart + DAY_MS, now));
    const recorded = union(
      clip(
        segments.map((s) => [Date.parse(s.startAt), Date.parse(s.endAt)] as Interval),
        dayStart,
        dayStart + DAY_MS,
      ),
      JOIN_TOLERANCE_MS,
    );
    const gaps = holes(expected, recorded);
    const expectedMs = totalMs(expected);
    const recordedMs = overlapMs(expected, recorded);
    return { expected, recorded, gaps, recordedMs, complete: expectedMs > 0 ? Math.round((recordedMs / expectedMs) * 10_000) / 10_000 : null };
  }

  /**
   * For the compliance check (S-REC): each camera the platform records, with yesterday's (Beijing)
   * completeness against its plan, how far back its oldest recording reaches, the days it must
   * keep and how long its plan has run. Cameras recorded only by their own NVRs are not listed.
   */
  async complianceFacts(universityId: string): Promise<RecordingFact[]> {
    const now = this.clock.now();
    const plans = (await this.repo.plans(this.db, { universityId })).filter((p) => p.mode !== 'off');
    if (!plans.length) return [];
    const ids = plans.map((p) => p.deviceId);
    const dayStart = dayStartOf(beijingDate(now - DAY_MS));
    const [devices, sites, oldest] = await Promise.all([this.devices.byIds(ids), this.org.keySitesOf(universityId), this.repo.oldest(this.db, ids)]);
    // A day of segments of 100 cameras at a time, as a completeness page reads them.
    const segments: SegmentRow[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      segments.push(...(await this.repo.segmentsBetween(this.db, ids.slice(i, i + 100), new Date(dayStart).toISOString(), new Date(dayStart + DAY_MS).toISOString(), MAX_SEGMENTS_PER_DAY * 4)));
    }
    const byId = new Map(devices.map((d) => [d.id, d]));
    const segmentsOf = new Map<string, SegmentRow[]>();
    for (const s of segments) segmentsOf.set(s.deviceId, [...(segmentsOf.get(s.deviceId) ?? []), s]);
    const days = (iso: string | null) => (iso === null ? null : Math.round(((now - Date.parse(iso)) / DAY_MS) * 100) / 100);
    return plans.flatMap((plan) => {
      const d = byId.get(plan.deviceId);
      if (!d || d.status !== 'in_service') return [];
      return [{ deviceId: d.id, complete: this.completenessOf(plan, segmentsOf.get(d.id) ?? [], dayStart).complete, heldDays: days(oldest.get(d.id) ?? null), retentionDays: retentionOf(d, sites).days, planDays: days(plan.since) ?? 0 }];
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Storage planning

  async storagePlan(actor: Actor, q: { campusId?: string; universityId?: string }): Promise<StoragePlan> {
    const scope = listScope(actor, q.universityId);
    let universityIds: string[];
    if (q.campusId !== undefined) {
      const campus = await this.org.unit(q.campusId);
      // Another university's campus reads as missing, like any object out of scope.
      if (campus?.kind !== 'campus' || !campus.universityId || (scope !== null && campus.universityId !== scope)) throw invalidField('campusId', 'no such campus');
      universityIds = [campus.universityId];
    } else universityIds = scope !== null ? [scope] : await this.org.universityIds();

    const cameras: Device[] = [];
    const sites = new Map<string, KeySite[]>();
    for (const u of universityIds) {
      const devices = (await this.devices.ofUniversity(u)).filter(
        (d) => CAMERA_KINDS.includes(d.kind) && (d.status === 'in_service' || d.status === 'under_repair') && (q.campusId === undefined || d.campusId === q.campusId),
      );
      if (!devices.length) continue;
      cameras.push(...devices);
      sites.set(u, await this.org.keySitesOf(u));
    }
    const held = await this.repo.bytesHeld(this.db, cameras.map((d) => d.id));
    const names = await this.org.namesOf([...new Set(cameras.map((d) => d.campusId))]);
    const byCampus = new Map<string, Device[]>();
    for (const d of cameras) byCampus.set(d.campusId, [...(byCampus.get(d.campusId) ?? []), d]);

    const bytesFor = (mbps: number, days: number) => (mbps * 1_000_000 * 86_400 * days) / 8;
    const campuses = [...byCampus.entries()].map(([campusId, devices]) => {
      const classes = CAMERA_RESOLUTIONS.map((resolution) => {
        const these = devices.filter((d) => (d.camera?.resolution ?? '1080p') === resolution);
        const days = these.reduce((n, d) => n + retentionOf(d, sites.get(d.universityId) ?? []).days, 0);
        const bitrateMbps = ASSUMED_BITRATE_MBPS[resolution];
        return { resolution, cameras: these.length, bitrateMbps, retentionDays: days, neededBytes: bytesFor(bitrateMbps, days) };
      }).filter((c) => c.cameras > 0);
      return {
        campusId,
        name: names.get(campusId) ?? campusId,
        classes,
        cameras: devices.length,
        neededBytes: classes.reduce((n, c) => n + c.neededBytes, 0),
        heldBytes: devices.reduce((n, d) => n + (held.get(d.id) ?? 0), 0),
      };
    });
    campuses.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
    let volume: { totalBytes: number | null; freeBytes: number | null } = { totalBytes: null, freeBytes: null };
    try {
      volume = await this.cleaner.freeSpace();
    } catch (err) {
      this.log.warn({ err }, 'the recordings volume could not be measured');
    }
    const neededBytes = campuses.reduce((n, c) => n + c.neededBytes, 0);
    const heldBytes = campuses.reduce((n, c) => n + c.heldBytes, 0);
    return {
      assumptions: {
        bitrateMbps: { ...ASSUMED_BITRATE_MBPS },
        note:
          'Every in-service camera recorded continuously for its retention (the ledger figure, else 90 days inside a key site, else 30), at the assumed average bitrate of its resolution class (H.264; H.265 needs about half). A camera without a resolution counts as 1080p. The volume is shared by every camera recorded on this server.',
      },
      volume: { ...volume, minFreeBytes: this.opts.minFreeBytes },
      campuses,
      neededBytes,
      heldBytes,
      fits: volume.freeBytes === null ? null : neededBytes <= heldBytes + volume.freeBytes - this.opts.minFreeBytes,
    };
  }
}

function segmentView(s: SegmentRow): RecordingSegment {
  return {
    id: s.id,
    deviceId: s.deviceId,
    startAt: s.startAt,
    endAt: s.endAt,
    durationS: (Date.parse(s.endAt) - Date.parse(s.startAt)) / 1000,
    bytes: s.bytes,
    codec: s.codec,
    evidenceHold: s.evidenceHold,
    url: `/api/recordings/segments/${s.id}/file`,
  };
}

function range(fromText: string, toText: string): { from: string; to: string } {
  const from = Date.parse(fromText);
  const to = Date.parse(toText);
  if (Number.isNaN(from)) throw invalidField('from', 'must be an ISO 8601 date-time, e.g. 2026-03-01T00:00:00+08:00', 'format');
  if (Number.isNaN(to)) throw invalidField('to', 'must be an ISO 8601 date-time, e.g. 2026-03-02T00:00:00+08:00', 'format');
  if (to <= from) throw invalidField('to', 'must be after from', 'range');
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

function dayStartOf(date: string): number {
  const ms = beijingDayStart(date);
  if (Number.isNaN(ms) || beijingDate(ms) !== date) throw invalidField('date', 'must be a calendar date YYYY-MM-DD (Beijing time)', 'format');
  return ms;
}

/** Where a segment's file lies on disk. */
export const segmentPath = (dataDir: string, relative: string) => path.join(dataDir, ...relative.split('/'));
