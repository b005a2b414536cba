/**
 * The plug-in face of the demo history (issue 18): every module that adds data the console shows
 * (alarms handled, repairs, and later duty rosters, patrols, visitors, the recordings index,
 * compliance snapshots) contributes its own past through one of these, so the demo university
 * always looks lived in. A contributor is called once, before the history runs; it schedules
 * its work at historical instants (`at`, `script`) or reacts to what happens (`onEvents`,
 * `onAlarmCreated`). The generator runs every contributor's work in one time order, with the
 * services' clock set to each task's instant.
 */
import type { CalendarDayKind } from '../../../shared/calendar.ts';
import type { DeviceEvent, EventSource, IngestEnvelopeT } from '../../../shared/events.ts';
import type { Clock } from '../../clock.ts';
import type { Services } from '../../http/app.ts';
import type { Actor } from '../../http/policy.ts';
import type { Random } from '../../util/random.ts';

export interface HistoryRange {
  /** First instant of the history (local midnight, Beijing time). */
  fromMs: number;
  /** Its end: "now" when the history was made; nothing happens at or after it. */
  toMs: number;
  /** The local (Beijing) dates it covers, oldest first. */
  dates: readonly string[];
}

/** The university's staff as the history's actors; each shift has its own operators and guards on duty. */
export interface HistoryStaff {
  operators: readonly Actor[];
  guards: readonly Actor[];
  director: Actor | null;
  maintainer: Actor | null;
  /** The operators and guards on duty at an instant (four teams, three shifts, rotating daily). */
  onDuty(ms: number): { operators: readonly Actor[]; guards: readonly Actor[] };
  byId(id: string): Actor | undefined;
}

export interface DeviceMessage {
  deviceId: string;
  source: EventSource;
  envelope: IngestEnvelopeT;
  /** When the platform received it (default: the task's instant); a group delivered at once keeps each message's own arrival time. */
  receivedAtMs?: number;
}

/** A script yields how many milliseconds to wait before its next step; it ends when it returns. */
export type HistoryScript = AsyncGenerator<number, void, void>;

export interface HistoryContext {
  readonly universityId: string;
  readonly range: HistoryRange;
  /** This contributor's own stream (forked by its name): contributors do not shift each other. */
  readonly rng: Random;
  /** The historical now (read-only for contributors: the generator sets it). */
  readonly clock: Clock;
  /** The history's own composition of the modules, built on the history clock. */
  readonly services: Services;
  /** The school calendar: date → holiday | workday | vacation. */
  readonly calendar: ReadonlyMap<string, CalendarDayKind>;
  readonly staff: HistoryStaff;
  /** Runs `task` with the clock at `ms`; tasks at or after the end of the history never run. */
  at(ms: number, task: () => Promise<void>): void;
  /** Runs a script from `startMs`, each step at its own instant. */
  script(startMs: number, steps: HistoryScript): void;
  /** Device messages through ingest (checked like any device's), then the alarm rules, at the clock's instant. */
  deviceMessages(messages: readonly DeviceMessage[]): Promise<void>;
  /** Events the platform itself records (a device going offline, coming back), through the event writer and the rules. */
  platformEvents(events: readonly DeviceEvent[]): Promise<void>;
  /** Called with every batch of events stored, before the rules run over it. */
  onEvents(listener: (events: readonly DeviceEvent[]) => void | Promise<void>): void;
  /** Called for every alarm the rules raise. */
  onAlarmCreated(listener: (alarmId: string) => void | Promise<void>): void;
  /** Adds to the run's counters (printed at the end, returned by the generator). */
  count(name: string, n?: number): void;
  /** Records something that went wrong without stopping the history (returned and printed). */
  problem(what: string, err?: unknown): void;
}

export interface HistoryContributor {
  name: string;
  contribute(ctx: HistoryContext): void | Promise<void>;
}
