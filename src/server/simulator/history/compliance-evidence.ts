/**
 * 佐证材料 in the demo history (issue 16 item 1): the security office uploaded its backup-power
 * test report (S-UPS-1H) weeks ago and the auditor accepted it; the command centre's site-visit
 * record (S-ROOM) was uploaded two days ago and waits for review, so the page shows both states.
 * The files are generated PDFs with a fixed creation date: the same seed gives the same bytes.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { SYSTEM_ACTOR, type Actor } from '../../http/policy.ts';
import { atShanghai } from '../scenario/timetable.ts';
import type { HistoryContext, HistoryContributor } from './contributor.ts';

const require = createRequire(import.meta.url);
const FONT = '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf';

/** A one-page A4 PDF of a title and lines, in Chinese, created at `atMs`. */
export function demoPdf(title: string, lines: readonly string[], atMs: number): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margins: { top: 60, bottom: 60, left: 60, right: 60 }, info: { Title: title, Creator: 'xiaoan 校安（示范数据）', CreationDate: new Date(atMs) }, lang: 'zh-CN' });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('zh', readFileSync(require.resolve(FONT)));
  doc.font('zh').fontSize(16).text(title, { align: 'center' });
  doc.moveDown();
  doc.fontSize(11);
  for (const line of lines) doc.text(line).moveDown(0.4);
  doc.end();
  return done;
}

export function complianceEvidence(): HistoryContributor {
  return {
    name: 'compliance evidence',
    async contribute(ctx: HistoryContext) {
      const { services, staff, range, universityId } = ctx;
      const director = staff.director;
      const { items } = await services.accounts.list(SYSTEM_ACTOR, { universityId, role: 'auditor', page: 1, pageSize: 1 });
      const a = items[0];
      if (!director || !a) return;
      const auditor: Actor = { id: a.id, username: a.username, displayName: a.displayName, role: a.role, universityId };
      const dateBack = (n: number) => range.dates[Math.max(0, range.dates.length - 1 - Math.min(n, range.dates.length - 1))]!;
      const upload = async (actor: Actor, ruleId: string, fileName: string, note: string, title: string, lines: string[], facts?: { areaM2: number; temperatureC: number; humidityPct: number; illuminanceLx: number }) => {
        const pdf = await demoPdf(title, lines, ctx.clock.now());
        return services.complianceEvidence.upload(actor, { ruleId, note, fileName, content: pdf.toString('base64'), ...(facts ? { facts } : {}) });
      };

      let upsId: string | null = null;
      ctx.at(atShanghai(dateBack(40), '10:20'), async () => {
        const e = await upload(director, 'S-UPS-1H', '视频监控系统后备电源放电测试报告.pdf', '指挥中心 UPS（2 × 10 kVA）满载放电测试，续航 2 小时 15 分钟', '视频监控系统后备电源放电测试报告', [
          '测试对象：指挥中心 UPS 2 台（10 kVA，在线式），为摄像机汇聚交换机、录像机和主显示大屏供电',
          '测试方法：切断市电，满载运行至低电告警',
          '测试结果：续航 2 小时 15 分钟，期间录像无中断',
          '结论：满足 GB/T 29315 后备电源不少于 1 小时的要求',
          '测试人：保卫处技防科',
        ]);
        upsId = e.id;
        ctx.count('compliance evidence');
      });
      ctx.at(atShanghai(dateBack(38), '15:40'), async () => {
        if (!upsId) return;
        await services.complianceEvidence.review(auditor, upsId, { decision: 'accept' });
        ctx.count('compliance evidence reviewed');
      });
      ctx.at(atShanghai(dateBack(2), '16:05'), async () => {
        await upload(director, 'S-ROOM', '监控中心现场核查记录.pdf', '监控中心现场核查：激光测距仪测面积，温湿度计、照度计读数', '监控中心面积与环境现场核查记录', [
          '地点：指挥中心（行政楼 1 层）',
          '面积：86 m²（激光测距仪）',
          '温度：22.5 °C；相对湿度：48%（温湿度计）',
          '照度：420 lx（工作台面，照度计）',
          '核查人：保卫处技防科',
        ], { areaM2: 86, temperatureC: 22.5, humidityPct: 48, illuminanceLx: 420 });
        ctx.count('compliance evidence');
      });
    },
  };
}
