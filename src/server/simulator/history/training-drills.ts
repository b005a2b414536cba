/**
 * 培训与演练 in the demo history (issue 15): a few training sessions (理论培训, 实操培训) with
 * the security staff's attendance and scores, and one past drill — a dormitory fire at night —
 * injected through the real event path by the training service, handled step by step by the
 * operators on duty through the real alarm and procedure services, and scored when its alarm is
 * closed. Every step is driven here at its own instant, so the history stays deterministic from
 * its seed (the alarm handling contributor leaves drill alarms to this one).
 */
import type { Actor } from '../../http/policy.ts';
import { atShanghai } from '../scenario/timetable.ts';
import type { HistoryContext, HistoryContributor, HistoryScript } from './contributor.ts';

const SESSIONS = [
  { daysBack: 80, title: '安防监控系统操作规程培训', kind: 'theory', hours: 2, trainer: '保卫处 张科长', at: '14:00' },
  { daysBack: 52, title: '消防设施操作与初起火灾扑救', kind: 'practical', hours: 3, trainer: '区消防救援支队 王教官', at: '09:30' },
  { daysBack: 33, title: '校园突发事件应急预案学习', kind: 'theory', hours: 1.5, trainer: '保卫处 李处长', at: '15:00' },
  { daysBack: 9, title: '报警处置流程（SOP）实操演示', kind: 'practical', hours: 2, trainer: '指挥中心 值班长', at: '10:00' },
] as const;

/** The drill's night, days before the end of the history. */
const DRILL_DAYS_BACK = 18;

export function trainingDrills(): HistoryContributor {
  return {
    name: 'training and drills',
    async contribute(ctx: HistoryContext) {
      const { services, staff, range, rng, clock } = ctx;
      const director = staff.director;
      if (!director) return;
      // A short history (the tests') keeps them all, squeezed into its days.
      const dateBack = (n: number) => range.dates[Math.max(0, range.dates.length - 1 - Math.min(n, range.dates.length - 2))];
      const people: Actor[] = [...staff.operators, ...staff.guards];

      for (const s of SESSIONS) {
        const date = dateBack(s.daysBack);
        if (!date) continue;
        ctx.at(atShanghai(date, s.at), async () => {
          const attendance = people.map((p) => {
            const attended = rng.chance(0.88);
            return { accountId: p.id, attended, score: attended ? rng.int(72, 99) : null, remark: attended ? null : rng.pick(['当班', '病假', '事假', '轮休']) };
          });
          await services.training.createSession(director, { title: s.title, kind: s.kind, date, hours: s.hours, trainer: s.trainer, attendance });
          ctx.count('training sessions');
        });
      }

      const drillDate = dateBack(DRILL_DAYS_BACK);
      if (!drillDate) return;
      async function* drill(): HistoryScript {
        const d = await services.training.startDrill(director!, { scenario: 'dorm_fire_night' });
        await ctx.platformEvents([]);
        // The smoke detector's fire report follows the smoke (the training job injects it when due).
        yield 21_000;
        await services.training.checkDrills();
        await ctx.platformEvents([]);
        const [alarm] = await services.alarms.ofDrill(d.id);
        if (!alarm) return ctx.problem('the drill raised no alarm');
        const [first, second] = staff.onDuty(clock.now()).operators;
        if (!first) return ctx.problem('no operator on duty for the drill');
        const other = second ?? first;
        yield 16_000;
        await services.alarms.step(first, alarm.id, 'acknowledge');
        const plan: [Actor, string, number, string | undefined][] = [
          [first, 'video', 38_000, undefined],
          [first, 'call119', 55_000, '演练：模拟拨打119，报告学生宿舍楼3层烟感报警、疑似起火'],
          [other, 'evacuate', 95_000, undefined],
          [other, 'dispatch', 60_000, undefined],
          // Sending someone to meet the fire engines came late: the drill's one finding.
          [other, 'guide', 410_000, undefined],
        ];
        for (const [who, key, waitMs, note] of plan) {
          yield waitMs;
          await services.procedures.complete(who, alarm.id, key, note ? { note } : {});
        }
        yield 9 * 60_000;
        await services.procedures.complete(first, alarm.id, 'record', { note: '演练：宿舍楼烟感报警，值班员调取视频确认，模拟报119、组织疏散、派义务消防队到场，引导消防车到位偏慢。' });
        await services.alarms.step(first, alarm.id, 'resolve');
        await services.alarms.step(first, alarm.id, 'close');
        yield 60_000;
        await services.training.checkDrills();
        ctx.count('drills');
      }
      ctx.script(atShanghai(drillDate, '22:40'), drill());
    },
  };
}
