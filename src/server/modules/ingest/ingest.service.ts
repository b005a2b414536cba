import type { ModuleDb } from '../../store/tables.ts';
import type { ValidateFunction } from 'ajv';
import { DEVICE_EVENT_KINDS, EVENT_KINDS, IngestEnvelope, type DeviceEvent, type EventKind, type EventSource, type IngestEnvelopeT } from '../../../shared/events.ts';
import type { Clock } from '../../clock.ts';
import { DEAD_LETTER_RAW_MAX_BYTES, IngestGuard } from './ingest-guard.ts';
import { problemsFromAjv, type AjvError } from '../../http/errors.ts';
import { createAjv } from '../../http/validator.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { EventWriter } from '../events/index.ts';
import { DeadLetterRepository, type DeadLetterQuery } from './dead-letter.repository.ts';
import { scopeOf, type Actor } from '../../http/policy.ts';
import type { DeviceDirectory, KnownDevice } from './device-directory.ts';

export type IngestResult =
  | { status: 'stored'; id: string }
  /** Already stored under the same (device, sourceEventId). */
  | { status: 'duplicate' }
  | { status: 'rejected'; reason: string; field: string | null; deadLetterId: string | null };

export interface IngestContext {
  source: EventSource;
  /** The device the connection authenticated as (or, unauthenticated, the one it claims to be). */
  deviceId: string | null;
  topic?: string | null;
}

/** An HTTP batch item as bytes for its dead letter; one nested too deeply to serialize is kept as a note (it was a 500). */
function bytesOf(message: unknown): Buffer {
  try {
    return Buffer.from(JSON.stringify(message) ?? 'undefined');
  } catch (error) {
    return Buffer.from(`(item not kept: ${(error as Error).message})`);
  }
}

/** How far in the future a device clock may be before its timestamps are refused (S-CLOCK allows seconds). */
const MAX_FUTURE_MS = 10 * 60_000;

class Rejection {
  constructor(
    readonly reason: string,
    readonly field: string | null,
    readonly universityId: string | null = null,
  ) {}
}

/**
 * Device message → validated DeviceEvent → event store. Whatever fails is kept as a dead letter
 * with its raw bytes, the reason and the field, so nothing a device sent is silently dropped.
 */
export class IngestService {
  private readonly envelope: ValidateFunction;
  private readonly payloads = new Map<string, ValidateFunction>();
  private readonly deadLetters = new DeadLetterRepository();
  readonly stats = { accepted: 0, duplicates: 0, rejected: 0 };
  readonly guard: IngestGuard;

  constructor(
    private readonly db: ModuleDb<'ingest'>,
    private readonly writer: EventWriter,
    readonly directory: DeviceDirectory,
    private readonly clock: Clock,
  ) {
    this.guard = new IngestGuard(clock);
    const ajv = createAjv(false);
    this.envelope = ajv.compile(IngestEnvelope);
    for (const kind of DEVICE_EVENT_KINDS) this.payloads.set(kind, ajv.compile(EVENT_KINDS[kind].payload));
  }

  /** Raw bytes (MQTT payload) → result. */
  async ingestRaw(raw: Buffer, ctx: IngestContext): Promise<IngestResult> {
    let message: unknown;
    try {
      message = JSON.parse(raw.toString('utf8'));
    } catch (e) {
      return this.reject(raw, ctx, new Rejection(`not valid JSON: ${(e as Error).message}`, null));
    }
    return this.ingestParsed(message, ctx, raw);
  }

  /** An already parsed message (one item of an HTTP batch). */
  async ingestParsed(message: unknown, ctx: IngestContext, raw?: Buffer): Promise<IngestResult> {
    let event: DeviceEvent;
    try {
      event = await this.normalize(message, ctx);
    } catch (e) {
      if (e instanceof Rejection) return this.reject(raw ?? bytesOf(message), ctx, e);
      throw e;
    }
    const status = await this.writer.append(event);
    if (status === 'duplicate') {
      this.stats.duplicates++;
      return { status };
    }
    this.stats.accepted++;
    return { status, id: event.id };
  }

  private async normalize(message: unknown, ctx: IngestContext): Promise<DeviceEvent> {
    const device: KnownDevice | null = ctx.deviceId ? (this.directory.cached(ctx.deviceId) ?? (await this.directory.get(ctx.deviceId))) : null;
    if (!device) throw new Rejection(ctx.deviceId ? `device ${ctx.deviceId} does not exist` : 'no device id', 'deviceId');
    const uni = device.universityId;
    if (!this.envelope(message)) {
      const p = problemsFromAjv(this.envelope.errors as AjvError[])[0];
      throw new Rejection(`${p.field} ${p.reason}`, p.field, uni);
    }
    const m = message as IngestEnvelopeT;
    const check = this.payloads.get(m.kind);
    if (!check) {
      const platform = m.kind in EVENT_KINDS;
      throw new Rejection(platform ? `kind ${m.kind} is produced by the platform, not by devices` : `unknown event kind "${m.kind}"`, 'kind', uni);
    }
    const payload = m.payload ?? {};
    if (!check(payload)) {
      const p = problemsFromAjv(check.errors as AjvError[], 'payload')[0];
      throw new Rejection(`${p.field} ${p.reason}`, p.field, uni);
    }
    const now = this.clock.now();
    const receivedAt = new Date(now).toISOString();
    let occurredAt = receivedAt;
    if (m.occurredAt) {
      const t = Date.parse(m.occurredAt);
      if (t - now > MAX_FUTURE_MS) throw new Rejection('occurredAt is more than 10 minutes in the future (device clock?)', 'occurredAt', uni);
      occurredAt = new Date(t).toISOString();
    }
    const kind = m.kind as EventKind;
    return {
      id: '', // assigned by the writer, in commit order
      source: ctx.source,
      sourceEventId: m.sourceEventId ?? null,
      orgId: uni,
      deviceId: device.id,
      kind,
      severity: m.severity ?? EVENT_KINDS[kind].severity,
      occurredAt,
      receivedAt,
      payload,
    } as DeviceEvent;
  }

  private async reject(raw: Buffer, ctx: IngestContext, r: Rejection): Promise<IngestResult> {
    const id = uuid7(this.clock.now());
    this.stats.rejected++;
    // A device that sends junk without end fills the disk only up to its hourly cap; beyond it the refusal is counted.
    if (!this.guard.mayStoreDeadLetter(ctx.deviceId)) return { status: 'rejected', reason: r.reason, field: r.field, deadLetterId: null };
    const kept = raw.length > DEAD_LETTER_RAW_MAX_BYTES ? raw.subarray(0, DEAD_LETTER_RAW_MAX_BYTES) : raw;
    const reason = kept === raw ? r.reason : `${r.reason} (first ${DEAD_LETTER_RAW_MAX_BYTES} of ${raw.length} bytes kept)`;
    // Attribute the dead letter to the device's university whenever the device is known, so
    // that university's staff see it (a message that is not even JSON included).
    const universityId = r.universityId ?? (ctx.deviceId ? ((await this.directory.get(ctx.deviceId))?.universityId ?? null) : null);
    await this.deadLetters.insert(this.db, {
      id,
      receivedAt: this.clock.nowIso(),
      source: ctx.source,
      universityId,
      deviceId: ctx.deviceId,
      topic: ctx.topic ?? null,
      reason,
      field: r.field,
      raw: kept,
    });
    return { status: 'rejected', reason: r.reason, field: r.field, deadLetterId: id };
  }

  listDeadLetters(actor: Actor, q: Omit<DeadLetterQuery, 'universityId'>) {
    return this.deadLetters.list(this.db, { ...q, universityId: scopeOf(actor) });
  }

  deadLettersByDevice(actor: Actor, limit: number) {
    return this.deadLetters.countByDevice(this.db, scopeOf(actor), limit);
  }

  /** Records a message refused before it could be read as an event (e.g. a topic the device may not use). */
  async recordRefused(raw: Buffer, ctx: IngestContext, reason: string, field: string | null): Promise<void> {
    await this.reject(raw, ctx, new Rejection(reason, field));
  }
}
