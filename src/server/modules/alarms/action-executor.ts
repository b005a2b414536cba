import type { ModuleDb } from '../../store/tables.ts';
import type { ActionT, DispatchWarning } from '../../../shared/alarms.ts';
import type { EventsService } from '../events/index.ts';
import type { Clock } from '../../clock.ts';
import { readJson, writeJson } from '../../store/database.ts';
import type { DevicePlaces } from './device-places.ts';
import type { DispatcherSlot } from './guard-dispatcher.ts';
import type { DeviceCommands } from '../device-commands/index.ts';

/** Older pending actions are not carried out after a restart: opening doors an hour late helps no one. */
const MAX_AGE_MS = 10 * 60_000;

/**
 * Carries out linkage actions with effects outside the database, each once per idempotency key
 * (the pending action id, plus the door for door commands), and records the outcome — for door
 * commands, each door's own acknowledgement (a `command.ack` event) and how long it took.
 */
export class ActionExecutor {
  private readonly running = new Set<string>();
  private readonly inflight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly db: ModuleDb<'alarms'>,
    private readonly places: DevicePlaces,
    private readonly events: Pick<EventsService, 'byIds'>,
    private readonly dispatchers: DispatcherSlot,
    private readonly commands: Pick<DeviceCommands, 'sendWithAck' | 'close'>,
    private readonly clock: Clock,
    private readonly opts: { etaWarnS: number } = { etaWarnS: 300 },
  ) {}

  /**
   * On shutdown: no new actions; commands still waiting are recorded as unacknowledged now, and
   * every running action writes its outcome before the store closes.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.commands.close();
    await Promise.allSettled([...this.inflight]);
  }

  /** Runs the given pending actions (or every pending one, at start) without blocking the caller. */
  async runPending(ids?: string[]): Promise<void> {
    if (this.closed) return;
    let q = this.db.selectFrom('pending_actions').selectAll().where('status', '=', 'pending');
    if (ids) {
      if (!ids.length) return;
      q = q.where('id', 'in', ids);
    }
    const rows = await q.orderBy('created_at').limit(500).execute();
    await Promise.all(
      rows.map((r) => {
        const p = this.runOne(r);
        this.inflight.add(p);
        return p.finally(() => this.inflight.delete(p));
      }),
    );
  }

  private async runOne(row: { id: string; university_id: string; event_id: string; alarm_id: string | null; action: unknown; created_at: string; attempts: number }) {
    if (this.running.has(row.id)) return;
    this.running.add(row.id);
    const action = readJson<ActionT>(row.action);
    let status: 'done' | 'failed' | 'expired' = 'done';
    let result: unknown;
    try {
      if (this.clock.now() - Date.parse(row.created_at) > MAX_AGE_MS) {
        status = 'expired';
        result = { reason: 'older than 10 minutes when the server came back; not carried out' };
      } else if (action.type === 'door_command') {
        result = await this.doorCommand(row, action);
        status = (result as { failed: number }).failed ? 'failed' : 'done';
      } else if (action.type === 'notify_guards') {
        // Several rules on one alarm each ask for guards: the alarm gets as many as the largest ask, not the sum.
        const dispatcher = this.dispatchers.current;
        const already = row.alarm_id && dispatcher ? await dispatcher.activeCount(row.alarm_id) : 0;
        const wanted = Math.max(0, action.count - already);
        const sent = wanted && row.alarm_id && dispatcher ? await dispatcher.dispatch(null, row.alarm_id, { count: wanted }) : [];
        // What the operator must know: fewer guards than the rule asks, or the nearest one far away.
        const warnings: DispatchWarning[] = [];
        if (already + sent.length < action.count) warnings.push({ code: 'fewer_guards', requested: action.count, found: already + sent.length });
        const nearestEta = Math.min(...sent.map((d) => d.etaS ?? Infinity));
        if (Number.isFinite(nearestEta) && nearestEta > this.opts.etaWarnS) warnings.push({ code: 'far', etaS: nearestEta, limitS: this.opts.etaWarnS });
        result = {
          requested: action.count,
          alreadyDispatched: already,
          dispatched: sent.map((d) => ({ guardId: d.guardId, name: d.guardName, distanceM: d.distanceM, etaS: d.etaS })),
          warnings,
        };
        if (!sent.length && !already) {
          status = 'failed';
          result = { reason: 'no guard on duty with a recent position (phone or patrol check-in)', warnings: [{ code: 'fewer_guards', requested: action.count, found: 0 }] };
        }
      } else if (action.type === 'link_cameras') {
        result = await this.ptzPreset(row, action);
        status = (result as { failed: number }).failed ? 'failed' : 'done';
      } else if (action.type === 'webhook') {
        result = await this.webhook(row, action);
        status = (result as { ok: boolean }).ok ? 'done' : 'failed';
      } else {
        status = 'failed';
        result = { reason: `action ${action.type} has no executor` };
      }
    } catch (err) {
      status = 'failed';
      result = { reason: (err as Error).message };
    } finally {
      this.running.delete(row.id);
    }
    await this.db
      .updateTable('pending_actions')
      .set({ status, result: writeJson(result), attempts: row.attempts + 1, done_at: this.clock.nowIso() })
      .where('id', '=', row.id)
      .execute();
    if (row.alarm_id) {
      await this.db
        .insertInto('alarm_log')
        .values({ id: `${row.id}:log`, alarm_id: row.alarm_id, at: this.clock.nowIso(), actor_id: null, actor_name: null, action: `action.${action.type}`, from_state: null, to_state: null, note: status, data: writeJson(result) })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }

  private async doorCommand(row: { id: string; university_id: string; event_id: string }, action: Extract<ActionT, { type: 'door_command' }>) {
    const [event] = await this.events.byIds([row.event_id]);
    const origin = event ? await this.places.device(row.university_id, event.deviceId) : undefined;
    const doors =
      action.target === 'event_device'
        ? origin && origin.kind === 'door'
          ? [origin]
          : []
        : await this.places.doors(row.university_id, action.target === 'doors_in_building' ? { buildingId: origin?.buildingId ?? '__none__' } : { campusId: origin?.campusId });
    const timeoutMs = (action.timeoutSeconds ?? 2) * 1000;
    const outcomes = await Promise.all(
      doors.map(async (door) => ({
        doorId: door.id,
        name: door.name,
        // `${action id}:${door}` is the idempotency key the device can dedupe on.
        ...(await this.commands.sendWithAck(row.university_id, door.id, { id: `${row.id}:${door.id}`, command: `door.${action.command}` }, timeoutMs)),
      })),
    );
    return { command: action.command, doors: outcomes, acknowledged: outcomes.filter((o) => o.status === 'acknowledged').length, failed: outcomes.filter((o) => o.status !== 'acknowledged').length };
  }

  /** Turns the alarm's linked PTZ cameras to the rule's preset (the cameras were chosen when the alarm was created). */
  private async ptzPreset(row: { id: string; university_id: string; alarm_id: string | null }, action: Extract<ActionT, { type: 'link_cameras' }>) {
    const alarm = row.alarm_id ? await this.db.selectFrom('alarms').select('linked_cameras').where('id', '=', row.alarm_id).executeTakeFirst() : undefined;
    const cameras = (alarm ? readJson<{ id: string; name: string; ptz: boolean }[]>(alarm.linked_cameras) : []).filter((c) => c.ptz);
    const outcomes = await Promise.all(
      cameras.map(async (c) => ({
        cameraId: c.id,
        name: c.name,
        ...(await this.commands.sendWithAck(row.university_id, c.id, { id: `${row.id}:${c.id}`, command: 'ptz.goto_preset', preset: action.presetFromRule }, 5000)),
      })),
    );
    return { preset: action.presetFromRule, cameras: outcomes, acknowledged: outcomes.filter((o) => o.status === 'acknowledged').length, failed: outcomes.filter((o) => o.status !== 'acknowledged').length };
  }

  private async webhook(row: { id: string; university_id: string; event_id: string; alarm_id: string | null }, action: Extract<ActionT, { type: 'webhook' }>) {
    const started = this.clock.now();
    try {
      const res = await fetch(action.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': row.id },
        body: JSON.stringify({ alarmId: row.alarm_id, eventId: row.event_id, universityId: row.university_id }),
        signal: AbortSignal.timeout((action.timeoutSeconds ?? 5) * 1000),
      });
      return { ok: res.ok, status: res.status, ms: this.clock.now() - started };
    } catch (err) {
      return { ok: false, error: (err as Error).message, ms: this.clock.now() - started };
    }
  }
}
