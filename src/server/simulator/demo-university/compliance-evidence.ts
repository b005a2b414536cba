/**
 * 佐证材料 of the demo university (issue 16 item 1): the security office's backup-power test
 * report (S-UPS-1H), uploaded 40 days before the seeding moment and accepted by the auditor two
 * days later, and the command centre's site-visit record (S-ROOM), uploaded two days before and
 * waiting for review — so the compliance page shows both states. Ids come from the seed; the PDFs
 * carry their upload time as creation date, so the same seed and moment give the same bytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { ComplianceEvidenceTable } from '../../store/schema.ts';
import { Random } from '../../util/random.ts';
import type { DemoAccount } from './people.ts';

const require = createRequire(import.meta.url);
/** The Chinese font the platform bundles (see modules/case-file/fonts.ts). */
const FONT = '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf';
const DAY_MS = 86_400_000;

/** A one-page A4 PDF of a title and lines, in Chinese, created at `atMs`. */
export function demoPdf(title: string, lines: readonly string[], atMs: number): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margins: { top: 60, bottom: 60, left: 60, right: 60 }, info: { Title: title, Creator: 'xiaoan 校安（示范数据）', CreationDate: new Date(atMs), ModDate: new Date(atMs) }, lang: 'zh-CN' });
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

export async function generateDemoEvidence(opts: { seed: number; universityId: string; accounts: readonly DemoAccount[]; nowMs: number }): Promise<ComplianceEvidenceTable[]> {
  const ids = new Random(opts.seed).fork('compliance-evidence').fork('ids');
  const director = opts.accounts.find((a) => a.role === 'security_director' && a.inUniversity);
  const auditor = opts.accounts.find((a) => a.role === 'auditor' && a.inUniversity);
  if (!director || !auditor) return [];
  // Whole minutes, so the times read plainly.
  const at = (daysBack: number, minuteOfDay: number) => new Date(Math.floor((opts.nowMs - daysBack * DAY_MS) / DAY_MS) * DAY_MS + minuteOfDay * 60_000).toISOString();
  const row = async (o: { ruleId: string; fileName: string; note: string; title: string; lines: string[]; uploadedAt: string; facts: unknown; reviewedAt: string | null }): Promise<ComplianceEvidenceTable> => {
    const bytes = await demoPdf(o.title, o.lines, Date.parse(o.uploadedAt));
    return {
      id: ids.uuid(),
      university_id: opts.universityId,
      rule_id: o.ruleId,
      file_name: o.fileName,
      content_type: 'application/pdf',
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes,
      note: o.note,
      facts: o.facts === null ? null : JSON.stringify(o.facts),
      status: o.reviewedAt ? 'accepted' : 'submitted',
      uploaded_by: director.id,
      uploaded_by_name: director.displayName,
      uploaded_at: o.uploadedAt,
      reviewed_by: o.reviewedAt ? auditor.id : null,
      reviewed_by_name: o.reviewedAt ? auditor.displayName : null,
      reviewed_at: o.reviewedAt,
      review_reason: null,
    };
  };
  // 02:20 and 07:40 UTC: 10:20 and 15:40 Beijing time.
  return [
    await row({
      ruleId: 'S-UPS-1H',
      fileName: '视频监控系统后备电源放电测试报告.pdf',
      note: '指挥中心 UPS（2 × 10 kVA）满载放电测试，续航 2 小时 15 分钟',
      title: '视频监控系统后备电源放电测试报告',
      lines: [
        '测试对象：指挥中心 UPS 2 台（10 kVA，在线式），为摄像机汇聚交换机、录像机和主显示大屏供电',
        '测试方法：切断市电，满载运行至低电告警',
        '测试结果：续航 2 小时 15 分钟，期间录像无中断',
        '结论：满足 GB/T 29315 后备电源不少于 1 小时的要求',
        '测试人：保卫处技防科',
      ],
      uploadedAt: at(40, 140),
      facts: null,
      reviewedAt: at(38, 460),
    }),
    await row({
      ruleId: 'S-ROOM',
      fileName: '监控中心现场核查记录.pdf',
      note: '监控中心现场核查：激光测距仪测面积，温湿度计、照度计读数',
      title: '监控中心面积与环境现场核查记录',
      lines: ['地点：指挥中心（行政楼 1 层）', '面积：86 m²（激光测距仪）', '温度：22.5 °C；相对湿度：48%（温湿度计）', '照度：420 lx（工作台面，照度计）', '核查人：保卫处技防科'],
      uploadedAt: at(2, 485),
      facts: { areaM2: 86, temperatureC: 22.5, humidityPct: 48, illuminanceLx: 420 },
      reviewedAt: null,
    }),
  ];
}
