import type { AlarmLogEntry, AlarmViewT, SopStep } from '../../../shared/alarms.ts';
import { FINAL_ALARM_STATES } from '../../../shared/alarms.ts';
import { DRILL_PASS_SHARE, type DrillAlarmResult, type DrillOperatorResult, type DrillResult, type ScenarioTemplate } from '../../../shared/training.ts';

export interface DrillAlarmRecord {
  alarm: Pick<AlarmViewT, 'id' | 'title' | 'createdAt' | 'state'>;
  log: Pick<AlarmLogEntry, 'at' | 'actorId' | 'actorName' | 'action' | 'toState' | 'data'>[];
  sop: Pick<SopStep, 'key' | 'title' | 'mandatory' | 'doneAt' | 'doneBy'>[];
}

const secondsBetween = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/**
 * 演练结果: for each of the drill's alarms, when a person first took it up (acknowledged,
 * dispatched or otherwise acted) and each procedure step's time against the scenario's target;
 * per operator who acted, what they did and whether they passed. The drill passes when every
 * alarm was taken up in time, every mandatory step was done, and at least DRILL_PASS_SHARE of the
 * timed checks were on time. Pure: `nowIso` is the injected clock's.
 */
export function computeDrillResult(template: ScenarioTemplate, records: DrillAlarmRecord[], nowIso: string): DrillResult {
  const problems: string[] = [];
  let timed = 0;
  let onTime = 0;
  const people = new Map<string, { name: string; actions: number; firstAt: string | null; alarmCreated: string }>();
  const alarms: DrillAlarmResult[] = records.map(({ alarm, log, sop }) => {
    const byPerson = log.filter((e) => e.actorId !== null);
    for (const e of byPerson) {
      const p = people.get(e.actorId!) ?? { name: e.actorName ?? e.actorId!, actions: 0, firstAt: null, alarmCreated: alarm.createdAt };
      p.actions++;
      if (p.firstAt === null || e.at < p.firstAt) {
        p.firstAt = e.at;
        p.alarmCreated = alarm.createdAt;
      }
      people.set(e.actorId!, p);
    }
    const first = byPerson[0];
    const ackS = first ? secondsBetween(alarm.createdAt, first.at) : null;
    const ackOnTime = ackS !== null && ackS <= template.ackTargetS;
    timed++;
    if (ackOnTime) onTime++;
    else problems.push(ackS === null ? `「${alarm.title}」无人接警` : `「${alarm.title}」接警用时 ${ackS} 秒，超过 ${template.ackTargetS} 秒`);
    const steps = sop.map((s) => {
      const targetS = template.stepTargetsS[s.key] ?? null;
      const elapsedS = s.doneAt ? secondsBetween(alarm.createdAt, s.doneAt) : null;
      const ok = targetS === null ? null : elapsedS !== null && elapsedS <= targetS;
      if (ok !== null) {
        timed++;
        if (ok) onTime++;
      }
      if (s.mandatory && !s.doneAt) problems.push(`「${alarm.title}」必做步骤未完成：${s.title}`);
      else if (ok === false) problems.push(elapsedS === null ? `未完成：${s.title}` : `超时：${s.title}（${elapsedS} 秒，目标 ${targetS} 秒）`);
      return { key: s.key, title: s.title, mandatory: s.mandatory, doneAt: s.doneAt, doneBy: s.doneBy, elapsedS, targetS, onTime: ok };
    });
    const closed = log.find((e) => e.toState !== null && (FINAL_ALARM_STATES as readonly string[]).includes(e.toState));
    return { alarmId: alarm.id, title: alarm.title, createdAt: alarm.createdAt, state: alarm.state, ackAt: first?.at ?? null, ackBy: first?.actorName ?? null, ackS, ackTargetS: template.ackTargetS, ackOnTime, closedAt: closed?.at ?? null, steps };
  });
  if (!records.length) problems.push('演练未产生报警（检查该设备的报警规则）');
  const mandatoryDone = alarms.every((a) => a.steps.every((s) => !s.mandatory || s.doneAt !== null));
  const score = timed ? Math.round((onTime / timed) * 100) : 0;
  const passed = records.length > 0 && alarms.every((a) => a.ackOnTime) && mandatoryDone && onTime >= DRILL_PASS_SHARE * timed;
  const operators: DrillOperatorResult[] = [...people.entries()]
    .map(([accountId, p]) => ({ accountId, name: p.name, actions: p.actions, firstActionS: p.firstAt ? secondsBetween(p.alarmCreated, p.firstAt) : null, passed, score }))
    .sort((a, b) => b.actions - a.actions || a.name.localeCompare(b.name));
  return { computedAt: nowIso, passed, score, alarms, operators, problems };
}
