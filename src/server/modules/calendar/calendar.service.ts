import type { ModuleDb } from '../../store/tables.ts';
import type { CalendarDay, CalendarDayKind } from '../../../shared/calendar.ts';
import type { FieldProblem } from '../../../shared/error-codes.ts';
import { invalid, invalidField, notFound } from '../../http/errors.ts';
import { type Actor, listScope, writeScope } from '../../http/policy.ts';
import type { Clock } from '../../clock.ts';
import type { AuditService } from '../audit/index.ts';
import type { OrgService } from '../org/index.ts';

export interface CalendarDayInput {
  date: string;
  kind: CalendarDayKind;
  name?: string | null;
}

const toDay = (r: { university_id: string; date: string; kind: string; name: string | null }): CalendarDay => ({
  universityId: r.university_id,
  date: r.date,
  kind: r.kind as CalendarDayKind,
  name: r.name,
});

const cleanName = (name: string | null | undefined) => (name?.trim() ? name.trim() : null);

/**
 * The school calendar (校历): public holidays, makeup workdays (调休) and vacations, per
 * university. Arming schedules read it through `daysOf`, whose cached copy every write here drops,
 * so a change counts from the next event on.
 */
export class CalendarService {
  /** What arming schedules read per event, kept for a minute and dropped on every write here. */
  private readonly cache = new Map<string, { loadedAt: number; days: ReadonlyMap<string, CalendarDayKind> }>();

  constructor(
    private readonly db: ModuleDb<'calendar'>,
    private readonly audit: AuditService,
    private readonly org: Pick<OrgService, 'isUniversity'>,
    private readonly clock: Clock,
  ) {}

  private onChange(universityId: string) {
    this.cache.delete(universityId);
  }

  /** The university's calendar as date → kind (system read: arming schedules, absence checks). */
  async daysOf(universityId: string): Promise<ReadonlyMap<string, CalendarDayKind>> {
    const hit = this.cache.get(universityId);
    if (hit && this.clock.now() - hit.loadedAt < 60_000) return hit.days;
    const rows = await this.db.selectFrom('calendar_days').select(['date', 'kind']).where('university_id', '=', universityId).execute();
    const days = new Map(rows.map((r) => [r.date, r.kind as CalendarDayKind]));
    this.cache.set(universityId, { loadedAt: this.clock.now(), days });
    return days;
  }

  /** The university a write goes to: the actor's own, or the one a city-wide account names. */
  async list(actor: Actor, q: { from?: string; to?: string; universityId?: string }): Promise<CalendarDay[]> {
    if (q.from && q.to && q.from > q.to) throw invalidField('to', 'must not be before from');
    let query = this.db.selectFrom('calendar_days').selectAll();
    const scope = listScope(actor, q.universityId);
    if (scope !== null) query = query.where('university_id', '=', scope);
    if (q.from) query = query.where('date', '>=', q.from);
    if (q.to) query = query.where('date', '<=', q.to);
    return (await query.orderBy('date').orderBy('university_id').execute()).map(toDay);
  }

  private async find(db: ModuleDb<'calendar'>, universityId: string, date: string): Promise<CalendarDay | undefined> {
    const row = await db.selectFrom('calendar_days').selectAll().where('university_id', '=', universityId).where('date', '=', date).executeTakeFirst();
    return row && toDay(row);
  }

  /** Marks one day (or changes its mark). */
  async put(actor: Actor, date: string, input: { kind: CalendarDayKind; name?: string | null; universityId?: string }): Promise<CalendarDay> {
    const universityId = await writeScope(actor, input.universityId, (id) => this.org.isUniversity(id));
    const day: CalendarDay = { universityId, date, kind: input.kind, name: cleanName(input.name) };
    await this.db.transaction().execute(async (trx) => {
      const before = await this.find(trx, universityId, date);
      await trx
        .insertInto('calendar_days')
        .values({ university_id: universityId, date, kind: day.kind, name: day.name })
        .onConflict((oc) => oc.columns(['university_id', 'date']).doUpdateSet({ kind: day.kind, name: day.name }))
        .execute();
      await this.audit.record(trx, actor, {
        action: before ? 'update' : 'create',
        entityType: 'calendar_day',
        entityId: date,
        universityId,
        before: before ?? undefined,
        after: day,
      });
    });
    this.onChange(universityId);
    return day;
  }

  /** Unmarks a day: it counts as its weekday again. */
  async remove(actor: Actor, date: string, requestedUniversityId?: string): Promise<void> {
    const universityId = await writeScope(actor, requestedUniversityId, (id) => this.org.isUniversity(id));
    const before = await this.find(this.db, universityId, date);
    if (!before) throw notFound('calendar day');
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('calendar_days').where('university_id', '=', universityId).where('date', '=', date).execute();
      await this.audit.record(trx, actor, { action: 'delete', entityType: 'calendar_day', entityId: date, universityId, before });
    });
    this.onChange(universityId);
  }

  /**
   * Marks many days at once (a year's official holidays and makeup workdays, a vacation):
   * all or nothing; a day already marked takes the new mark; `replace` first clears the
   * marks in the span the list covers (first to last date).
   */
  async importDays(actor: Actor, input: { universityId?: string; days: CalendarDayInput[]; replace?: boolean }): Promise<{ imported: number; removed: number; days: CalendarDay[] }> {
    const universityId = await writeScope(actor, input.universityId, (id) => this.org.isUniversity(id));
    const problems: FieldProblem[] = [];
    const seen = new Map<string, number>();
    input.days.forEach((d, i) => {
      const first = seen.get(d.date);
      if (first !== undefined) problems.push({ field: `days[${i}].date`, reason: `${d.date} appears twice (also days[${first}])`, rule: 'unique' });
      else seen.set(d.date, i);
    });
    if (problems.length) throw invalid(problems);
    const days: CalendarDay[] = input.days.map((d) => ({ universityId, date: d.date, kind: d.kind, name: cleanName(d.name) })).sort((a, b) => a.date.localeCompare(b.date));
    const removed = await this.db.transaction().execute(async (trx) => {
      let removed = 0;
      if (input.replace) {
        const res = await trx
          .deleteFrom('calendar_days')
          .where('university_id', '=', universityId)
          .where('date', '>=', days[0].date)
          .where('date', '<=', days[days.length - 1].date)
          .executeTakeFirst();
        removed = Number(res.numDeletedRows);
      }
      for (const d of days) {
        await trx
          .insertInto('calendar_days')
          .values({ university_id: universityId, date: d.date, kind: d.kind, name: d.name })
          .onConflict((oc) => oc.columns(['university_id', 'date']).doUpdateSet({ kind: d.kind, name: d.name }))
          .execute();
      }
      await this.audit.record(trx, actor, {
        action: 'import',
        entityType: 'calendar_day',
        entityId: null,
        universityId,
        after: { from: days[0].date, to: days[days.length - 1].date, replace: input.replace ?? false, days: days.map(({ date, kind, name }) => ({ date, kind, name })) },
      });
      return removed;
    });
    this.onChange(universityId);
    return { imported: days.length, removed, days };
  }
}
