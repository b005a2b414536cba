/**
 * The inspection report (检查报告) as an Excel workbook: 总览 (the score), 检查项目 (one row per rule),
 * 问题清单 (one row per listed finding: at most MAX_FINDINGS_LISTED per rule, as the score lists them),
 * 重点部位覆盖 (one row per key site). Chinese headers, frozen header rows, column widths.
 * Pure: data in, bytes out (runs in a worker).
 */
import type * as ExcelJS from 'exceljs';
import { FULL_COVERAGE_SHARE, MAX_FINDINGS_LISTED } from '../../../shared/compliance.ts';
import { loadExcelJS } from '../../util/spreadsheet.ts';
import { beijingTime, blindM2, campusOf, categoryZh, ENTITY_ZH, FOOTER, LEVEL_ZH, METHOD_ZH, REPORT_TITLE, round1, STATUS_ZH, type ReportData } from './report-data.ts';

export const SHEETS = { summary: '总览', rules: '检查项目', findings: '问题清单', sites: '重点部位覆盖' } as const;

type Column = { header: string; width: number; percent?: boolean };

function sheet(wb: ExcelJS.Workbook, name: string, columns: Column[], rows: (string | number | null)[][]) {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width, style: c.percent ? { numFmt: '0.0%' } : {} }));
  const head = ws.getRow(1);
  head.font = { bold: true };
  head.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  head.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE6EAF0' } };
  });
  for (const r of rows) ws.addRow(r).alignment = { vertical: 'top', wrapText: true };
  if (rows.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return ws;
}

export async function renderReportXlsx(d: ReportData): Promise<Buffer> {
  const Excel = await loadExcelJS();
  const wb = new Excel.Workbook();
  wb.creator = 'xiaoan 校安';
  wb.created = new Date(d.generatedAt);
  const s = d.score;

  const truncated = s.rules.filter((r) => r.result.findingsTotal > r.result.findings.length);
  sheet(
    wb,
    SHEETS.summary,
    [
      { header: '项目', width: 22 },
      { header: '内容', width: 70 },
    ],
    [
      ['报告', REPORT_TITLE],
      ['学校', d.universityName],
      ['校区', d.campusName ?? '全校（全部校区）'],
      ['评估依据', `${s.pack.title}（${s.pack.version} 版）`],
      ['评估时间（北京时间）', beijingTime(s.computedAt)],
      ['总分（满分 100）', round1(s.score)],
      ['实得分', round1(s.earned)],
      ['应得分', round1(s.possible)],
      ['达标（项）', s.counts.pass],
      ['部分达标（项）', s.counts.partial],
      ['不达标（项）', s.counts.fail],
      ['无数据（项，需现场核查）', s.counts.no_data],
      ['重点部位（个）', d.sites.length],
      ['全覆盖的重点部位（个）', d.sites.filter((x) => x.share >= FULL_COVERAGE_SHARE).length],
      ['生成人', d.generatedBy],
      ['生成时间（北京时间）', beijingTime(d.generatedAt)],
      ['覆盖计算方法', d.coverageMethod],
      [
        '问题清单说明',
        truncated.length
          ? `每项最多列出 ${MAX_FINDINGS_LISTED} 个问题；${truncated.map((r) => `${r.rule.id} 共 ${r.result.findingsTotal} 项`).join('，')}，未全部列出`
          : '列出了全部问题',
      ],
      ['说明', FOOTER],
    ],
  );

  sheet(
    wb,
    SHEETS.rules,
    [
      { header: '编号', width: 13 },
      { header: '检查项目', width: 26 },
      { header: '依据', width: 30 },
      { header: '应/宜', width: 7 },
      { header: '分值', width: 7 },
      { header: '得分', width: 7 },
      { header: '结论', width: 10 },
      { header: '依据数据', width: 46 },
      { header: '缺少的数据', width: 36 },
      { header: '检查方式', width: 10 },
      { header: '扣分办法', width: 40 },
      { header: '问题数', width: 8 },
    ],
    s.rules.map(({ rule, result }) => [
      rule.id,
      rule.title,
      rule.source,
      LEVEL_ZH[rule.level],
      rule.points,
      round1(result.earned),
      STATUS_ZH[result.status],
      result.status === 'no_data' ? null : result.figure,
      result.status === 'no_data' ? result.missing : null,
      METHOD_ZH[rule.evidenceMethod],
      rule.deduction,
      result.findingsTotal,
    ]),
  );

  sheet(
    wb,
    SHEETS.findings,
    [
      { header: '编号', width: 13 },
      { header: '检查项目', width: 26 },
      { header: '对象类型', width: 10 },
      { header: '对象', width: 30 },
      { header: '问题', width: 60 },
      { header: '校区', width: 16 },
    ],
    s.rules.flatMap(({ rule, result }) => result.findings.map((f) => [rule.id, rule.title, ENTITY_ZH[f.entityType], f.name, f.detail, campusOf(d, f.campusId)])),
  );

  sheet(
    wb,
    SHEETS.sites,
    [
      { header: '重点部位', width: 24 },
      { header: '类别', width: 18 },
      { header: '校区', width: 16 },
      { header: '室内/室外', width: 10 },
      { header: '面积（m²）', width: 12 },
      { header: '视频覆盖率', width: 12, percent: true },
      { header: '人脸可辨识率', width: 13, percent: true },
      { header: '盲区面积（m²）', width: 14 },
      { header: '出入口可辨识人脸', width: 16 },
      { header: '出入口总数', width: 11 },
      { header: '缺朝向或视场角的摄像机', width: 30 },
    ],
    d.sites.map((x) => [
      x.name,
      categoryZh(x.category),
      campusOf(d, x.campusId),
      x.indoor ? '室内' : '室外',
      round1(x.areaM2),
      x.share,
      x.identifiedShare,
      round1(blindM2(x)),
      x.entrances.filter((e) => e.identifiedBy.length > 0).length,
      x.entrances.length,
      x.unplaced.map((u) => u.name).join('、') || null,
    ]),
  );

  return Buffer.from(await wb.xlsx.writeBuffer());
}
