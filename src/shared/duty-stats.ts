/**
 * 值班统计 (issue 15 item 7): a university's month — shift coverage of the command centre by the
 * published roster, the certification of the operators rostered there, patrol completion per
 * route and guard, alarm response times per shift and per operator, and training hours (filled
 * by the training module once it is attached; until then `available: false`, shown as 无数据).
 */
import { Type, type Static } from 'typebox';
import { DurationSummary } from './alarm-stats.ts';
import { CoverageGap } from './duty.ts';
import { Nullable } from './schema.ts';

const Pct = Nullable(Type.Number({ description: 'Per cent, one decimal; null when there is nothing to measure' }));

export const DutyStatsQuery = Type.Object(
  { month: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' }), universityId: Type.Optional(Type.String({ description: 'City-wide accounts: the university' })) },
  { additionalProperties: false },
);
export type DutyStatsQuery = Static<typeof DutyStatsQuery>;

export const PostCoverage = Type.Object(
  { postId: Type.String(), postName: Type.String(), requiredHours: Type.Number(), coveredHours: Type.Number(), pct: Pct },
  { additionalProperties: false },
);

export const ShiftCoverage = Type.Object(
  {
    published: Type.Boolean({ description: 'Only a published roster counts; a draft month covers nothing' }),
    requiredHours: Type.Number({ description: 'Command-centre posts × hours of the month' }),
    coveredHours: Type.Number(),
    pct: Pct,
    posts: Type.Array(PostCoverage),
    gaps: Type.Array(CoverageGap, { maxItems: 500 }),
  },
  { additionalProperties: false },
);

export const CertifiedPerson = Type.Object(
  {
    accountId: Type.String(),
    name: Type.String(),
    shifts: Type.Integer({ description: 'Command-centre shifts this month' }),
    certified: Type.Boolean({ description: 'A certificate valid on every date rostered' }),
    uncoveredDates: Type.Array(Type.String(), { description: 'Rostered dates without a valid certificate' }),
    validTo: Nullable(Type.String({ description: 'Last day of the latest certificate' })),
    expiringSoon: Type.Boolean({ description: 'The latest certificate ends within 30 days of today' }),
  },
  { additionalProperties: false },
);

export const Certification = Type.Object(
  { rostered: Type.Integer(), certified: Type.Integer(), pct: Pct, expiringSoon: Type.Integer(), people: Type.Array(CertifiedPerson) },
  { additionalProperties: false },
);

export const PatrolLine = Type.Object(
  {
    id: Nullable(Type.String()),
    name: Nullable(Type.String()),
    due: Type.Integer({ description: 'Checkpoints scheduled whose time has come (not pending)' }),
    onTime: Type.Integer(),
    late: Type.Integer(),
    missed: Type.Integer(),
    pct: Pct,
  },
  { additionalProperties: false },
);

export const PatrolCompletion = Type.Object(
  {
    days: Type.Integer({ description: 'Days of the month counted (up to today)' }),
    due: Type.Integer(),
    onTime: Type.Integer(),
    late: Type.Integer(),
    missed: Type.Integer(),
    pct: Pct,
    routes: Type.Array(PatrolLine),
    guards: Type.Array(PatrolLine),
  },
  { additionalProperties: false },
);

const times = { alarms: Type.Integer(), acknowledge: DurationSummary, arrive: DurationSummary, close: DurationSummary };
export const ResponseTimes = Type.Object(times, { additionalProperties: false });
export type ResponseTimes = Static<typeof ResponseTimes>;
export const ShiftResponse = Type.Object({ shift: Type.String(), name: Type.String(), start: Type.String(), end: Type.String(), ...times }, { additionalProperties: false });
export const OperatorResponse = Type.Object({ accountId: Type.String(), name: Type.String(), ...times }, { additionalProperties: false });

export const AlarmResponse = Type.Object(
  {
    shiftsFrom: Nullable(Type.String({ description: 'The command-centre post whose shifts the alarms are sorted into; null: the default 3×8' })),
    total: ResponseTimes,
    shifts: Type.Array(ShiftResponse),
    operators: Type.Array(OperatorResponse, { description: 'By who acknowledged (took the first step); alarms nobody took up are not here' }),
  },
  { additionalProperties: false },
);

export const TrainingHours = Type.Object(
  {
    available: Type.Boolean({ description: 'false until the training module is attached: the console shows 无数据' }),
    totalHours: Nullable(Type.Number()),
    people: Type.Array(Type.Object({ accountId: Type.String(), name: Type.String(), hours: Type.Number() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type TrainingHours = Static<typeof TrainingHours>;

export const DutyStats = Type.Object(
  {
    universityId: Nullable(Type.String()),
    month: Type.String(),
    from: Type.String({ description: 'ISO instant the month starts (Beijing midnight)' }),
    to: Type.String({ description: 'ISO instant the month ends' }),
    measuredTo: Type.String({ description: 'Patrol and alarms are counted up to here (now, within the month)' }),
    coverage: ShiftCoverage,
    certification: Certification,
    patrol: PatrolCompletion,
    response: AlarmResponse,
    training: TrainingHours,
  },
  { additionalProperties: false },
);
export type DutyStats = Static<typeof DutyStats>;
