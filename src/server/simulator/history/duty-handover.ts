/**
 * The command centre's handovers (交接班) in the demo history: at every change of shift of the
 * first command seat on the published roster, its operator starts the handover a quarter of an
 * hour before the change (the duty log filled in by the server), ticks the checklist (now and
 * then an item with a remark), writes a note and signs; the operator rostered on the next shift
 * accepts a few minutes after the change, and the open alarms move to the new shift. Everything
 * goes through the real handover service at its own instant, driven here explicitly, so the
 * history stays deterministic from its seed.
 */
import { HANDOVER_CHECKLIST, type HandoverCheck } from '../../../shared/handover.ts';
import type { HistoryContributor } from './contributor.ts';

const MINUTE_MS = 60_000;
const NOTES = [
  '本班无异常，设备运行正常。',
  '东区两路摄像机画面偶有卡顿，已通知维保。',
  '夜间巡逻一队已完成两次巡更，北门岗亭反映道闸抬杆偏慢。',
  '图书馆门禁有一次强行开门报警，现场确认为读者误操作。',
  '明早 7:30 有新生报到车辆集中进校，请提前安排南门疏导。',
  '报警主机 3 号防区偶发故障信号，已报修待处理。',
  '',
];
const REMARKS: Partial<Record<HandoverCheck['key'], string[]>> = {
  monitor_wall: ['大屏 3 号画面无信号，已报修', '2 号监视器偏色，不影响使用'],
  intercom: ['对讲机 5 号电池老化，已更换备用电池'],
  keys: ['机房备用钥匙暂存保卫处'],
};

export function dutyHandovers(): HistoryContributor {
  return {
    name: 'duty handovers',
    async contribute(ctx) {
      const { services, rng, staff, universityId, range } = ctx;
      const shifts = await services.duty.commandShifts(universityId, range.fromMs, range.toMs);
      const seatId = [...shifts].filter((s) => s.postKind === 'command_seat').sort((a, b) => a.postName.localeCompare(b.postName, 'zh-CN'))[0]?.postId;
      if (!seatId) return;
      const seat = shifts.filter((s) => s.postId === seatId).sort((a, b) => a.from - b.from);
      for (let i = 0; i + 1 < seat.length; i++) {
        const before = seat[i]!;
        const after = seat.find((s) => s.from === before.to);
        const out = staff.byId(before.accountId);
        const inc = after && staff.byId(after.accountId);
        const signAt = before.to - 15 * MINUTE_MS + rng.int(0, 6) * MINUTE_MS;
        const acceptAt = before.to + rng.int(2, 12) * MINUTE_MS;
        if (!out || !inc || out.id === inc.id || signAt < range.fromMs || acceptAt >= range.toMs) continue;
        const checklist: HandoverCheck[] = HANDOVER_CHECKLIST.map((key) => ({ key, checked: true, remark: '' }));
        if (rng.chance(0.2)) {
          const key = rng.pick(Object.keys(REMARKS) as HandoverCheck['key'][]);
          const item = checklist.find((c) => c.key === key)!;
          item.checked = false;
          item.remark = rng.pick(REMARKS[key]!);
        }
        const notes = rng.pick(NOTES);
        let handoverId: string | null = null;
        ctx.at(signAt, async () => {
          try {
            const h = await services.handover.start(out);
            await services.handover.sign(out, h.id, { checklist, notes });
            handoverId = h.id;
          } catch (err) {
            ctx.problem('a handover could not be signed', err);
          }
        });
        ctx.at(acceptAt, async () => {
          if (!handoverId) return;
          try {
            const h = await services.handover.accept(inc, handoverId);
            ctx.count('handovers');
            ctx.count('alarms handed over', h.movedAlarms);
          } catch (err) {
            ctx.problem('a handover could not be accepted', err);
          }
        });
      }
    },
  };
}
