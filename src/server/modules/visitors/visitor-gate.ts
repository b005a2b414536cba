import type { FastifyBaseLogger } from 'fastify';
import type { DeviceEvent } from '../../../shared/events.ts';
import { PASS_TOKEN_PREFIX } from '../../../shared/visitors.ts';
import type { Bus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { ModuleDb } from '../../store/tables.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { EventWriter } from '../events/index.ts';
import { visitorsRepository as repo } from './visitors.repository.ts';
import type { VisitorsService } from './visitors.service.ts';

type AccessEvent = DeviceEvent<'access.granted'> | DeviceEvent<'access.denied'>;

/**
 * The gate side of visits: a QR reader at a gate that reads a visitor pass sends `access.granted`
 * (credentialType `qr`, credentialId the token, direction in/out); that checks the visitor in or
 * out, or records why the pass was refused. A reader that refused by itself (`access.denied`) is
 * recorded too. Live events only. Once a minute, unused visits past their window expire and
 * visitors still inside after it are reported as `visitor.overstay`, once per visit.
 */
export class VisitorGate {
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly unsubscribe: () => void;
  /** Set when the module starts. */
  log: Pick<FastifyBaseLogger, 'warn'> | null = null;

  constructor(
    private readonly db: ModuleDb<'visitors'>,
    private readonly visitors: Pick<VisitorsService, 'applyPass' | 'recordDeviceRefusal'>,
    private readonly writer: Pick<EventWriter, 'append'>,
    private readonly clock: Clock,
    bus: Bus,
  ) {
    this.unsubscribe = bus.subscribe('events.committed', (events) => {
      for (const e of events) {
        if (!isVisitorPass(e)) continue;
        const p = this.onPass(e).catch((err: Error) => this.log?.warn({ err: err.message, eventId: e.id }, 'visitor pass not recorded'));
        this.inflight.add(p);
        void p.finally(() => this.inflight.delete(p));
      }
    });
  }

  /**
   * For the demo history (like the vehicle gate): it records its passes itself through
   * `recordAll`, in commit order, so that what it writes does not depend on how fast the store answers.
   */
  recordWhenAsked(): void {
    this.unsubscribe();
  }

  async recordAll(events: readonly DeviceEvent[]): Promise<void> {
    for (const e of events) if (isVisitorPass(e)) await this.onPass(e);
  }

  /** Resolves once every pass started so far is recorded (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  async onPass(e: AccessEvent): Promise<void> {
    const row = await repo.byToken(this.db, e.payload.credentialId!);
    // Not a pass of this university: the door permissions answer for other QR codes.
    if (!row || row.university_id !== e.orgId) return;
    // A reader that does not say which way: a visitor inside is going out.
    const direction = e.payload.direction ?? (row.state === 'checked_in' ? 'out' : 'in');
    const attempt = { gateId: e.deviceId, direction, atMs: Date.parse(e.receivedAt) };
    // The event's id names the log entry: an event delivered twice is recorded once.
    if (e.kind === 'access.denied') await this.visitors.recordDeviceRefusal(row, attempt, e.id, (e as DeviceEvent<'access.denied'>).payload.reason);
    else if (!(await repo.logEntryExists(this.db, e.id))) await this.visitors.applyPass(row, attempt, { actorName: null, logId: e.id });
  }

  /** Unused visits whose window ended expire; visitors inside after it raise one `visitor.overstay` each. */
  async sweep(): Promise<{ expired: number; overstays: number }> {
    const now = this.clock.nowIso();
    const unused = await repo.unusedPast(this.db, now);
    for (const v of unused) {
      if (await repo.transition(this.db, v.id, v.state, { state: 'expired', updated_at: now })) {
        await repo.log(this.db, { id: uuid7(), visit_id: v.id, university_id: v.university_id, at: now, action: 'expired', refusal: null, direction: null, device_id: null, actor_name: null, note: null });
      }
    }
    const overstaying = await repo.overstaying(this.db, now);
    for (const v of overstaying) {
      const gate = await repo.lastGateIn(this.db, v.id);
      if (!gate?.device_id) continue;
      await this.writer.append({
        id: uuid7(),
        source: 'platform',
        sourceEventId: `visitor.overstay:${v.id}`,
        orgId: v.university_id,
        deviceId: gate.device_id,
        kind: 'visitor.overstay',
        severity: 'minor',
        occurredAt: now,
        receivedAt: now,
        payload: { visitId: v.id, visitorName: v.visitor_name.slice(0, 40), hostName: v.host_name.slice(0, 60), windowTo: v.window_to },
      } satisfies DeviceEvent<'visitor.overstay'>);
      await this.db.updateTable('visits').set({ overstay_reported_at: now }).where('id', '=', v.id).execute();
      await repo.log(this.db, { id: uuid7(), visit_id: v.id, university_id: v.university_id, at: now, action: 'overstay', refusal: null, direction: null, device_id: gate.device_id, actor_name: null, note: null });
    }
    return { expired: unused.length, overstays: overstaying.length };
  }
}

/** A QR read that carries a visitor pass (other QR codes at the same reader are people's credentials). */
function isVisitorPass(e: DeviceEvent): e is AccessEvent {
  if (e.kind !== 'access.granted' && e.kind !== 'access.denied') return false;
  const p = (e as AccessEvent).payload;
  return p.credentialType === 'qr' && typeof p.credentialId === 'string' && p.credentialId.startsWith(PASS_TOKEN_PREFIX);
}
