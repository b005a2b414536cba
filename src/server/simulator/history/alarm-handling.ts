/**
 * The duty room's past (R10): every alarm the rules raised in the history is handled through the
 * real services by the operators and guards on duty at the time — acknowledged after a delay
 * that depends on the shift (nights are slower) and the priority, guards sent, accepting and
 * arriving, the procedure (SOP) ticked with notes and photos, latches reset, closed or marked a
 * false alarm with the reason. Overdue steps escalate as they would have. Device-offline alarms
 * are the maintenance contributor's (device-upkeep.ts).
 */
import sharp from 'sharp';
import type { AlarmType } from '../../../shared/alarms.ts';
import type { Actor } from '../../http/policy.ts';
import type { Random } from '../../util/random.ts';
import { shanghaiTime } from '../scenario/timetable.ts';
import type { HistoryContext, HistoryContributor, HistoryScript } from './contributor.ts';
import type { Incident, IncidentBook } from './incidents.ts';

type Shift = 'day' | 'evening' | 'night';
export const shiftAt = (ms: number): Shift => {
  const h = Math.floor(shanghaiTime(ms).minute / 60);
  return h < 8 ? 'night' : h < 16 ? 'day' : 'evening';
};

/** Median seconds to acknowledge, by shift; multiplied by priority (1 = most urgent). */
const ACK_MEDIAN_S: Record<Shift, number> = { day: 40, evening: 60, night: 140 };
const PRIORITY_FACTOR = [0.6, 0.8, 1.3, 2.5];
const TRAVEL_MEDIAN_S: Record<Shift, number> = { day: 240, evening: 300, night: 420 };
const CLOSE_MEDIAN_S: Record<Shift, number> = { day: 300, evening: 600, night: 1500 };

/** Share of alarms that turn out to be false, by type (cats, wind, steam, a pressed-by-mistake button). */
const FALSE_SHARE: Partial<Record<AlarmType, number>> = {
  intrusion: 0.75,
  perimeter: 0.7,
  fire: 0.55,
  panic: 0.5,
  door_forced: 0.45,
  tamper: 0.5,
  access_failures: 0.4,
};
/** Alarms a guard goes to look at; the others are dealt with from the duty room. */
const FIELD_TYPES = new Set<AlarmType>(['intrusion', 'perimeter', 'fire', 'panic', 'door_forced']);
/** Event kinds whose rules send guards. */
const GUARD_KINDS = new Set(['intrusion', 'perimeter', 'fire', 'panic']);

const FALSE_REASONS: Partial<Record<AlarmType, string[]>> = {
  intrusion: ['现场核查门窗完好，系流浪猫经过触发红外探测器', '空调出风吹动窗帘引起双鉴探测器误报', '保洁人员进入前未撤防，已提醒按规定撤防', '实验室人员加班未撤防，已核实身份并补办登记'],
  perimeter: ['大风导致围栏晃动，触发脉冲电子围栏', '树枝搭在围栏上，已通知绿化班修剪', '鸟类停留触发对射探测器', '雨水导致对射探测器误报'],
  fire: ['学生使用电吹风导致烟感报警，现场无火情', '实验室加热产生水蒸气，现场无火情', '施工粉尘触发烟感，已要求施工方做好防护', '食堂油烟触发，现场无火情'],
  panic: ['学生误触紧急求助按钮，已回访确认', '保洁擦拭时误按，现场无异常'],
  door_forced: ['门磁松动导致误报，已报修', '门未关严被风吹开，现场无异常'],
  tamper: ['摄像机被树叶遮挡，已通知绿化班修剪', '运维人员检修时打开机箱，已核实工单'],
  access_failures: ['学生校园卡消磁，已指引到卡务中心补办', '新入职教职工权限尚未开通，已联系人事处'],
};
const FOUND: Partial<Record<AlarmType, string[]>> = {
  intrusion: ['发现校外人员滞留，已劝离并登记', '发现窗户未关，已关闭并通知实验室负责人'],
  perimeter: ['发现有人翻越围墙返校，系本校学生，已登记并通报学院', '发现校外人员试图翻越，已劝离'],
  fire: ['垃圾桶烟头引燃杂物，已用灭火器扑灭', '配电箱冒烟，已断电并通知后勤维修'],
  panic: ['学生突发身体不适，已联系校医院送医', '两名学生发生争执，已调解并登记'],
  door_forced: ['门锁损坏，已通知后勤维修并安排人员值守', '有人强行推开安全出口，已查看录像并登记'],
  tamper: ['摄像机被人为转动，已复位并调取录像', '镜头被涂抹遮挡，已清洁并报案登记'],
  access_failures: ['持他人校园卡尝试进入，已没收并登记', '外来人员尝试进入机房区域，已劝离并登记'],
};
const INCIDENT_NOTES: Record<Incident['kind'], { onsite: string; police?: string; record: string; report: string }> = {
  lab_break_in: {
    onsite: '实验室北侧窗户被撬，室内两台笔记本电脑丢失，已拍照固定现场',
    police: '已拨打110报警，派出所民警04:05到场勘查，现场已保护',
    record: '夜间实验楼入侵报警，确认盗窃案件：窗户被撬、两台笔记本电脑丢失。已报警并配合民警勘查，调取联动视频3段移交警方。',
    report: '已报告值班领导及保卫处处长，次日通报学院加强门窗管理',
  },
  fence_climb: {
    onsite: '东侧围墙发现攀爬痕迹，一名校外人员翻越后被巡逻队员在操场拦下',
    police: '该人员无法说明来意，已移交辖区派出所处理',
    record: '周界报警，确认校外人员翻越围墙进入校园，已拦截并移交派出所。围墙加装防攀爬刺网已报后勤。',
    report: '已报告值班领导，周界巡查频次临时加密',
  },
  lab_fire: {
    onsite: '实验室通风橱内加热装置过热起火，义务消防队用灭火器扑灭，无人员受伤',
    police: '已拨打119，消防救援站到场确认明火已灭，现场通风排烟',
    record: '实验楼火情：通风橱加热装置过热起火，初期火灾已扑灭，无人员伤亡。疏散门联动开启，楼内人员有序疏散。',
    report: '已报告值班领导、保卫处处长及实验室与设备管理处',
  },
};

const lognormal = (rng: Random, median: number, sigma: number, min: number, max: number) => Math.min(max, Math.max(min, median * Math.exp(sigma * rng.normal())));
const seconds = (s: number) => Math.round(s * 1000);

export function alarmHandling(opts: { incidents: IncidentBook }): HistoryContributor {
  return {
    name: 'alarm handling',
    async contribute(ctx: HistoryContext) {
      const { services, staff, rng, clock } = ctx;
      if (!staff.operators.length) return ctx.problem('no operator accounts: alarms stay unhandled');
      const photo = await sitePhoto();
      const incidentOfEvent = new Map<string, Incident>();
      ctx.onEvents((events) => {
        for (const e of events) {
          const incident = opts.incidents.of(e.sourceEventId);
          if (incident) incidentOfEvent.set(e.id, incident);
        }
      });
      let open = 0;

      // Guards on duty carry the duty phone: where they are is known when an alarm needs them (the
      // rules send the nearest). They report from one of the campus's patrol checkpoints.
      const spots = (await services.devices.ofUniversity(ctx.universityId))
        .filter((d) => d.kind === 'patrol_checkpoint' && d.lon != null && d.lat != null)
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((d) => ({ lon: d.lon!, lat: d.lat! }));
      const reportedAt = new Map<string, number>();
      ctx.onEvents(async (events) => {
        if (!spots.length || !events.some((e) => GUARD_KINDS.has(e.kind))) return;
        for (const guard of staff.onDuty(clock.now()).guards) {
          if (clock.now() - (reportedAt.get(guard.id) ?? -Infinity) < 20 * 60_000) continue;
          reportedAt.set(guard.id, clock.now());
          const spot = rng.pick(spots);
          await services.dispatches.reportPosition(guard, { lon: spot.lon + rng.jitter(0.0005), lat: spot.lat + rng.jitter(0.0005), accuracyM: rng.int(5, 30) });
        }
      });

      /** Ticks the alarm's procedure steps chosen by `which`, with notes and photos as each step asks. */
      const tick = async (actor: Actor, alarmId: string, which: (key: string, mandatory: boolean) => boolean, notes: Record<string, string> = {}) => {
        for (const step of await services.procedures.steps(alarmId)) {
          if (step.doneAt || !which(step.key, step.mandatory)) continue;
          let photoId: string | undefined;
          if (step.requires === 'photo') photoId = (await services.procedures.addPhoto(actor, alarmId, 'image/jpeg', photo)).id;
          const note = notes[step.key] ?? (step.requires === 'note' || rng.chance(0.2) ? defaultNote(step.key) : undefined);
          await services.procedures.complete(actor, alarmId, step.key, { note, photoId });
          ctx.count('sop steps');
        }
      };

      async function* handle(alarmId: string): HistoryScript {
        const alarm = await services.alarms.find(alarmId);
        // A drill's alarm is handled by the drill's own script (training-drills.ts).
        if (!alarm || alarm.type === 'device_offline' || alarm.drillId) return;
        open++;
        try {
          const createdMs = clock.now();
          const shift = shiftAt(createdMs);
          const operator = rng.pick(staff.onDuty(createdMs).operators);
          const incident = incidentOfEvent.get(alarm.firstEventId);
          const falseAlarm = !incident && rng.chance(FALSE_SHARE[alarm.type] ?? 0.3);
          const state = async () => (await services.alarms.find(alarmId))!;

          yield seconds(lognormal(rng, ACK_MEDIAN_S[shift] * PRIORITY_FACTOR[Math.min(4, alarm.priority) - 1]!, 0.6, 5, 3600));
          if ((await state()).state === 'new') await services.alarms.step(operator, alarmId, 'acknowledge');
          yield seconds(rng.float(15, 60));
          await tick(operator, alarmId, (key) => key === 'video' || key === 'check');

          const reason = rng.pick(FALSE_REASONS[alarm.type] ?? ['现场核查无异常']);
          const finishFalse = async (actor: Actor) => {
            // Guards the rule sent and who have not set off are called back.
            // In guard order: dispatches created in one instant have no other order on PostgreSQL.
            for (const d of (await services.dispatches.ofAlarm(alarmId)).sort((a, b) => (a.guardId < b.guardId ? -1 : 1))) {
              const guard = staff.byId(d.guardId);
              if (!guard) continue;
              if (d.state === 'offered') await services.dispatches.guardStep(guard, d.id, 'decline', '值班室视频复核为误报，取消出警');
              else if (d.state === 'accepted') await services.dispatches.guardStep(guard, d.id, 'arrive');
              if (d.state === 'accepted' || d.state === 'arrived') await services.dispatches.guardStep(guard, d.id, 'finish', reason);
            }
            if ((await state()).latched) await services.alarms.reset(actor, alarmId, '现场确认安全，复位报警');
            await services.alarms.step(actor, alarmId, 'false_alarm', reason);
            ctx.count('false alarms');
          };
          if (!FIELD_TYPES.has(alarm.type) || (falseAlarm && rng.chance(0.35))) {
            // Dealt with from the duty room: the video shows nothing, or a device needs a look later.
            yield seconds(lognormal(rng, 180, 0.8, 30, 3600));
            if (falseAlarm) return await finishFalse(operator);
            await tick(operator, alarmId, (key, mandatory) => mandatory && key !== 'record', { onsite: rng.pick(FOUND[alarm.type] ?? ['已处置']) });
            if ((await state()).latched) await services.alarms.reset(operator, alarmId, '确认后复位');
            await services.alarms.step(operator, alarmId, 'resolve', rng.pick(FOUND[alarm.type] ?? ['已处置']));
            yield seconds(lognormal(rng, CLOSE_MEDIAN_S[shift], 0.7, 60, 6 * 3600));
            const closer = rng.pick(staff.onDuty(clock.now()).operators);
            await tick(closer, alarmId, (_, mandatory) => mandatory || rng.chance(0.3), { record: rng.pick(FOUND[alarm.type] ?? ['已处置完毕']) });
            await services.alarms.step(closer, alarmId, 'close');
            return;
          }

          // Guards: the rule may have sent the nearest already; otherwise the operator sends one on duty.
          let dispatches = await services.dispatches.ofAlarm(alarmId);
          if (!dispatches.some((d) => d.state === 'offered' || d.state === 'accepted')) {
            yield seconds(rng.float(20, 90));
            const guard = rng.pick(staff.onDuty(clock.now()).guards.length ? staff.onDuty(clock.now()).guards : staff.guards);
            await services.dispatches.dispatch(operator, alarmId, { guardIds: [guard.id] });
            ctx.count('guards sent');
          }
          await tick(operator, alarmId, (key) => key === 'dispatch' || key === 'evacuate' || key === 'call119' || key === 'callback', incident ? { call119: INCIDENT_NOTES[incident.kind].police ?? '已拨打119' } : { call119: '已电话报告119指挥中心，告知地址与燃烧物' });
          dispatches = (await services.dispatches.ofAlarm(alarmId)).sort((a, b) => (a.guardId < b.guardId ? -1 : 1));
          const guards = dispatches.map((d) => ({ d, actor: staff.byId(d.guardId) })).filter((g): g is { d: (typeof dispatches)[number]; actor: Actor } => !!g.actor);
          yield seconds(rng.float(10, 60));
          const going: typeof guards = [];
          for (const g of guards) {
            if (g.d.state !== 'offered') continue;
            if (going.length && rng.chance(0.08)) {
              await services.dispatches.guardStep(g.actor, g.d.id, 'decline', '正在处理其他事务');
              continue;
            }
            await services.dispatches.guardStep(g.actor, g.d.id, 'accept');
            going.push(g);
          }
          if (!going.length) return; // nobody went (all declined): the alarm stays open, as it would
          yield seconds(lognormal(rng, TRAVEL_MEDIAN_S[shift], 0.4, 60, 1800));
          for (const g of going) await services.dispatches.guardStep(g.actor, g.d.id, 'arrive');
          yield seconds(lognormal(rng, incident ? 1500 : 480, 0.5, 120, 5400));
          const onsite = incident ? INCIDENT_NOTES[incident.kind].onsite : falseAlarm ? reason : rng.pick(FOUND[alarm.type] ?? ['已处置']);
          await tick(going[0]!.actor, alarmId, (key) => key === 'onsite' || key === 'guide' || (key === 'track' && !!incident), { onsite, track: '通过视频追踪可疑人员去向，已锁定行走路线' });
          if (incident?.kind !== 'lab_fire' && (await state()).latched) await services.alarms.reset(going[0]!.actor, alarmId, '现场确认安全，复位报警');
          if (incident) await tick(operator, alarmId, (key) => key === 'police' || key === 'reset', { police: INCIDENT_NOTES[incident.kind].police ?? '已报警' });
          yield seconds(rng.float(30, 240));
          for (const g of going) await services.dispatches.guardStep(g.actor, g.d.id, 'finish', onsite);
          if (falseAlarm) return await finishFalse(operator);
          yield seconds(lognormal(rng, incident ? 3 * 3600 : CLOSE_MEDIAN_S[shift], 0.6, 60, 8 * 3600));
          const closer = rng.pick(staff.onDuty(clock.now()).operators);
          if (incident) {
            await services.alarms.addNote(staff.director ?? closer, alarmId, '已阅。请保卫科跟进案件处理进展，整理案卷归档。');
            ctx.count('incidents');
          }
          await tick(
            closer,
            alarmId,
            (key, mandatory) => mandatory || key === 'report' ? !!incident || mandatory || rng.chance(0.4) : rng.chance(0.3),
            incident ? { record: INCIDENT_NOTES[incident.kind].record, report: INCIDENT_NOTES[incident.kind].report } : { record: onsite },
          );
          if ((await state()).latched) await services.alarms.reset(closer, alarmId, '确认安全后复位');
          await services.alarms.step(closer, alarmId, 'close');
        } finally {
          open--;
        }
      }

      ctx.onAlarmCreated((alarmId) => ctx.script(clock.now(), handle(alarmId)));

      // Overdue steps escalate, as the live server's job does every few seconds (here: every five minutes of history).
      async function* escalation(): HistoryScript {
        for (;;) {
          yield 5 * 60_000;
          if (open > 0) ctx.count('escalations', await services.alarms.escalateOverdue());
        }
      }
      ctx.script(ctx.range.fromMs, escalation());
    },
  };
}

function defaultNote(key: string): string {
  switch (key) {
    case 'record':
      return '已按程序处置完毕';
    case 'report':
      return '已报告值班领导';
    case 'callback':
      return '已回拨求助电话，了解情况';
    case 'repair':
      return '已通知运维单位检修';
    default:
      return '已完成';
  }
}

/** A small photo from the scene (a grey 320 × 240 JPEG): the same bytes every run, re-encoded by the photo service like any upload. */
async function sitePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 118, g: 124, b: 130 } } }).jpeg({ quality: 70 }).toBuffer();
}
