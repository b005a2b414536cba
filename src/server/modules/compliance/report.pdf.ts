/**
 * The inspection report (检查报告) as a PDF, laid out as an inspector's report: a cover block (school,
 * basis, time, score and counts), the table of every rule, the evidence list of each rule with
 * findings, a vector map of each key site short of full coverage (outline, blind spots in red,
 * cameras and their sectors, entrances, scale bar and north arrow), sign-off lines; page numbers and
 * the "generated from platform data" footer on every page. Pure: data in, bytes out (runs in a worker).
 */
import PDFDocument from 'pdfkit';
import { FULL_COVERAGE_SHARE, MAX_FINDINGS_LISTED } from '../../../shared/compliance.ts';
import { PDF_FINDINGS_PER_RULE, PDF_MAX_SITE_MAPS } from '../../../shared/compliance-report.ts';
import type { AreaGeometry } from '../../../shared/geojson.ts';
import { registerCjkFonts } from '../../util/cjk-fonts.ts';
import {
  basisText,
  beijingTime,
  blindM2,
  campusOf,
  categoryZh,
  ENTITY_ZH,
  FOOTER,
  LEVEL_ZH,
  METHOD_ZH,
  percent,
  REPORT_TITLE,
  round1,
  STATUS_ZH,
  type ReportData,
  type ReportSite,
} from './report-data.ts';

const MARGIN = { top: 56, bottom: 60, left: 46, right: 46 };
const COLOR = { text: '#1f1f1f', muted: '#666666', rule: '#9a9a9a', head: '#e6eaf0', shade: '#f3f5f8', accent: '#1d4e89', blind: '#d9363e', covered: '#e8f3e8', camera: '#1d4e89', pass: '#237804', partial: '#ad6800', fail: '#a8071a' };
const FONT = { body: 8.2, small: 7.2, section: 12.5 };
const PAD = 3;
const MAP_HEIGHT = 250;

type Cell = { text: string; bold?: boolean; shade?: boolean; color?: string; align?: 'left' | 'center' | 'right' };
type Row = (Cell | string)[];
const cellOf = (c: Cell | string): Cell => (typeof c === 'string' ? { text: c } : c);

class Layout {
  readonly left = MARGIN.left;
  readonly width: number;
  constructor(readonly doc: PDFKit.PDFDocument) {
    this.width = doc.page.width - MARGIN.left - MARGIN.right;
  }
  get bottom() {
    return this.doc.page.height - MARGIN.bottom;
  }
  ensure(height: number) {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }
  font(weight: 'regular' | 'bold', size: number, color = COLOR.text) {
    this.doc.font(weight).fontSize(size).fillColor(color);
    return this;
  }
  section(title: string) {
    this.ensure(80);
    const { doc } = this;
    doc.moveDown(0.8);
    const y = doc.y;
    doc.rect(this.left, y + 1, 3, FONT.section + 1).fill(COLOR.accent);
    this.font('bold', FONT.section, COLOR.accent);
    doc.text(title, this.left + 9, y, { width: this.width - 9 });
    doc.moveDown(0.4);
    doc.x = this.left;
  }
  heading(text: string) {
    this.ensure(48);
    this.font('bold', 9.5);
    this.doc.moveDown(0.3);
    this.doc.text(text, this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.2);
  }
  paragraph(text: string, color = COLOR.muted, size = FONT.body) {
    this.font('regular', size, color);
    this.doc.text(text, this.left, this.doc.y, { width: this.width, lineGap: 1 });
    this.doc.moveDown(0.3);
  }

  /** A bordered table whose header row repeats on every page it runs over. */
  table(headers: string[] | null, shares: number[], rows: Row[], size = FONT.body) {
    const { doc } = this;
    const widths = shares.map((s) => s * this.width);
    const heightOf = (cells: Cell[]) =>
      Math.max(
        ...cells.map((c, i) => {
          this.font(c.bold ? 'bold' : 'regular', size);
          return doc.heightOfString(c.text || ' ', { width: widths[i]! - 2 * PAD, lineGap: 1 }) + 2 * PAD;
        }),
      );
    const draw = (cells: Cell[], fill: string | null) => {
      const height = heightOf(cells);
      const y = doc.y;
      let x = this.left;
      for (const [i, c] of cells.entries()) {
        const w = widths[i]!;
        if (fill || c.shade) doc.rect(x, y, w, height).fill(fill ?? COLOR.shade);
        doc.lineWidth(0.5).rect(x, y, w, height).stroke(COLOR.rule);
        this.font(c.bold ? 'bold' : 'regular', size, c.color ?? COLOR.text);
        doc.text(c.text, x + PAD, y + PAD, { width: w - 2 * PAD, lineGap: 1, align: c.align ?? 'left' });
        x += w;
      }
      doc.x = this.left;
      doc.y = y + height;
    };
    const header = headers?.map((h) => ({ text: h, bold: true, align: 'center' as const }));
    const first = rows[0] ? heightOf(rows[0].map(cellOf)) : 0;
    this.ensure((header ? heightOf(header) : 0) + first);
    if (header) draw(header, COLOR.head);
    for (const raw of rows) {
      const cells = raw.map(cellOf);
      if (doc.y + heightOf(cells) > this.bottom) {
        doc.addPage();
        if (header) draw(header, COLOR.head);
      }
      draw(cells, null);
    }
    doc.moveDown(0.4);
  }
}

const statusCell = (status: keyof typeof STATUS_ZH): Cell => ({
  text: STATUS_ZH[status],
  align: 'center',
  bold: status !== 'pass',
  color: status === 'pass' ? COLOR.pass : status === 'partial' ? COLOR.partial : status === 'fail' ? COLOR.fail : COLOR.muted,
});
const fmt = (n: number) => String(round1(n));

// ------------------------------------------------------------------------------------ cover

function cover(l: Layout, d: ReportData) {
  const { doc } = l;
  const s = d.score;
  l.font('bold', 19);
  doc.text(REPORT_TITLE, l.left, doc.y + 6, { width: l.width, align: 'center', characterSpacing: 1 });
  doc.moveDown(0.3);
  l.font('regular', 10, COLOR.muted);
  doc.text(d.campusName ? `${d.universityName} · ${d.campusName}` : d.universityName, { width: l.width, align: 'center' });
  doc.moveDown(1);
  const L = (text: string): Cell => ({ text, bold: true, shade: true });
  l.table(
    null,
    [0.16, 0.34, 0.16, 0.34],
    [
      [L('学校'), d.universityName, L('校区'), d.campusName ?? '全校（全部校区）'],
      [L('评估依据'), { text: `${s.pack.title}（${s.pack.version} 版）` }, L('评估时间'), `${beijingTime(s.computedAt)}（北京时间）`],
      [L('总分'), { text: `${fmt(s.score)} / 100`, bold: true, color: COLOR.accent }, L('实得分 / 应得分'), `${fmt(s.earned)} / ${fmt(s.possible)}`],
      [L('达标'), `${s.counts.pass} 项`, L('部分达标'), `${s.counts.partial} 项`],
      [L('不达标'), `${s.counts.fail} 项`, L('无数据'), `${s.counts.no_data} 项（需现场核查）`],
      [L('重点部位'), `${d.sites.length} 个，其中全覆盖 ${d.sites.filter((x) => x.share >= FULL_COVERAGE_SHARE).length} 个`, L('生成人'), d.generatedBy],
    ],
    9,
  );
  l.paragraph('说明：总分 = 实得分 ÷ 应得分 × 100。结论为“无数据”的项目平台缺少判定所需的数据，不得分，须现场核查或补齐数据后重新评估。每项列出依据数据与具体问题，可逐项核对。');
}

// ------------------------------------------------------------------------------------ rules

function rules(l: Layout, d: ReportData) {
  l.section('一、检查项目与结论');
  l.table(
    ['编号', '检查项目', '依据', '应/宜', '分值', '得分', '结论', '依据数据 / 缺少的数据', '检查方式'],
    [0.115, 0.135, 0.145, 0.05, 0.045, 0.045, 0.075, 0.31, 0.08],
    d.score.rules.map(({ rule, result }) => [
      rule.id,
      rule.title,
      rule.source,
      { text: LEVEL_ZH[rule.level], align: 'center' },
      { text: fmt(result.points), align: 'center' },
      { text: fmt(result.earned), align: 'center' },
      statusCell(result.status),
      { text: basisText(result), color: result.status === 'no_data' ? COLOR.muted : COLOR.text },
      { text: METHOD_ZH[rule.evidenceMethod], align: 'center' },
    ]),
    FONT.small,
  );
}

// ------------------------------------------------------------------------------------ evidence

function evidence(l: Layout, d: ReportData) {
  const withFindings = d.score.rules.filter((r) => r.result.findingsTotal > 0);
  l.section('二、问题清单');
  if (!withFindings.length) return l.paragraph('各检查项目均未发现具体问题。');
  for (const { rule, result } of withFindings) {
    l.heading(`${rule.id} ${rule.title}（${STATUS_ZH[result.status]}，共 ${result.findingsTotal} 项）`);
    const shown = result.findings.slice(0, PDF_FINDINGS_PER_RULE);
    l.table(
      ['序号', '对象', '问题', '校区'],
      [0.07, 0.33, 0.45, 0.15],
      shown.map((f, i) => [{ text: String(i + 1), align: 'center' }, `${f.name}（${ENTITY_ZH[f.entityType]}）`, f.detail, campusOf(d, f.campusId)]),
      FONT.small,
    );
    const more = result.findingsTotal - shown.length;
    if (more > 0) {
      l.doc.moveUp(0.2);
      l.paragraph(
        result.findingsTotal > MAX_FINDINGS_LISTED
          ? `另有 ${more} 项未列出（Excel 报告“问题清单”列出前 ${MAX_FINDINGS_LISTED} 项）。`
          : `另有 ${more} 项未列出（完整清单见 Excel 报告“问题清单”）。`,
      );
    }
  }
}

// ------------------------------------------------------------------------------------ maps

type XY = [number, number];

/** Equirectangular projection around the site's centroid: metres east and north (exact enough for a site). */
function projector(outline: AreaGeometry) {
  const ring = outline.type === 'Polygon' ? outline.coordinates[0]! : outline.coordinates[0]![0]!;
  const lon0 = ring.reduce((a, p) => a + p[0]!, 0) / ring.length;
  const lat0 = ring.reduce((a, p) => a + p[1]!, 0) / ring.length;
  const mPerLat = (Math.PI * 6_371_008.8) / 180;
  const mPerLon = mPerLat * Math.cos((lat0 * Math.PI) / 180);
  return (p: readonly number[]): XY => [(p[0]! - lon0) * mPerLon, (p[1]! - lat0) * mPerLat];
}

const polygonsOf = (g: AreaGeometry) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);

/** A sector (or a disc from 360°) in metres: bearing clockwise from north. */
function sector(at: XY, bearingDeg: number, fovDeg: number, reach: number): XY[] {
  if (fovDeg >= 360) return Array.from({ length: 48 }, (_, i) => [at[0] + reach * Math.sin((i / 48) * 2 * Math.PI), at[1] + reach * Math.cos((i / 48) * 2 * Math.PI)] as XY);
  const steps = Math.max(6, Math.ceil(fovDeg / 6));
  const pts: XY[] = [at];
  for (let i = 0; i <= steps; i++) {
    const a = ((bearingDeg - fovDeg / 2 + (fovDeg * i) / steps) * Math.PI) / 180;
    pts.push([at[0] + reach * Math.sin(a), at[1] + reach * Math.cos(a)]);
  }
  return pts;
}

/** A round length for the scale bar: 1, 2 or 5 × 10^k metres, near a quarter of the map's width. */
function niceLength(m: number): number {
  const k = 10 ** Math.floor(Math.log10(m));
  return [5, 2, 1].map((f) => f * k).find((v) => v <= m) ?? k;
}

function siteMap(l: Layout, d: ReportData, s: ReportSite, index: number) {
  const { doc } = l;
  const boxH = MAP_HEIGHT;
  l.ensure(boxH + 70);
  l.font('bold', 9.5);
  doc.text(`${index}. ${s.name}（${categoryZh(s.category)}，${campusOf(d, s.campusId)}，${s.indoor ? '室内' : '室外'}）`, l.left, doc.y, { width: l.width });
  const entrancesIdentified = s.entrances.filter((e) => e.identifiedBy.length > 0).length;
  l.font('regular', FONT.small, COLOR.muted);
  doc.text(
    `面积 ${fmt(s.areaM2)} m²；视频覆盖 ${percent(s.share)}，人脸可辨识 ${percent(s.identifiedShare)}；盲区 ${fmt(blindM2(s))} m²；出入口可辨识人脸 ${entrancesIdentified} / ${s.entrances.length}；参与计算的摄像机 ${s.cameras.length} 台` +
      (s.unplaced.length ? `，缺朝向或视场角未计 ${s.unplaced.length} 台（${s.unplaced.map((u) => u.name).join('、')}）` : ''),
    { width: l.width, lineGap: 1 },
  );
  doc.moveDown(0.3);

  const top = doc.y;
  const box = { x: l.left, y: top, w: l.width, h: boxH };
  doc.lineWidth(0.6).rect(box.x, box.y, box.w, box.h).stroke(COLOR.rule);

  const project = projector(s.outline);
  const outline = polygonsOf(s.outline).map((poly) => poly.map((ring) => ring.map(project)));
  // The view: the outline, with a margin; cameras outside it stay in view when near.
  const pts = outline.flat(2);
  let [minX, minY, maxX, maxY] = [Math.min(...pts.map((p) => p[0])), Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[1]))];
  const span = Math.max(maxX - minX, maxY - minY, 5);
  for (const c of s.placedCameras) {
    const p = project([c.lon, c.lat]);
    if (Math.abs(p[0] - (minX + maxX) / 2) < span && Math.abs(p[1] - (minY + maxY) / 2) < span) {
      [minX, minY, maxX, maxY] = [Math.min(minX, p[0]), Math.min(minY, p[1]), Math.max(maxX, p[0]), Math.max(maxY, p[1])];
    }
  }
  const pad = 22;
  const w = Math.max(maxX - minX, 1);
  const h = Math.max(maxY - minY, 1);
  const scale = Math.min((box.w - 2 * pad) / w, (box.h - 2 * pad) / h);
  const ox = box.x + (box.w - w * scale) / 2;
  const oy = box.y + (box.h + h * scale) / 2;
  const toPage = ([x, y]: XY): XY => [ox + (x - minX) * scale, oy - (y - minY) * scale];
  const path = (rings: XY[][]) => {
    for (const ring of rings) {
      ring.forEach((p, i) => {
        const [px, py] = toPage(p);
        if (i === 0) doc.moveTo(px, py);
        else doc.lineTo(px, py);
      });
      doc.closePath();
    }
  };

  doc.save();
  doc.rect(box.x, box.y, box.w, box.h).clip();
  // The site, its blind spots in red, then the cameras' sectors and the outline on top.
  for (const poly of outline) {
    path(poly);
    doc.fillColor(COLOR.covered).fill('even-odd');
  }
  for (const poly of s.blindSpots.coordinates) {
    path(poly.map((ring) => ring.map(project)));
    doc.fillColor(COLOR.blind).fillOpacity(0.75).fill('even-odd');
    doc.fillOpacity(1);
  }
  for (const c of s.placedCameras) {
    if (c.bearingDeg === null || c.fovDeg === null || c.reachM <= 0) continue;
    path([sector(project([c.lon, c.lat]), c.bearingDeg, c.fovDeg, c.reachM)]);
    doc.lineWidth(0.5).dash(2, { space: 1.5 }).strokeColor(COLOR.camera).strokeOpacity(0.8).stroke();
    doc.undash().strokeOpacity(1);
  }
  for (const poly of outline) {
    path(poly);
    doc.lineWidth(1.2).strokeColor('#262626').stroke();
  }
  for (const e of s.entrancePoints) {
    const [px, py] = toPage(project([e.lon, e.lat]));
    doc.rect(px - 3, py - 3, 6, 6).fillAndStroke(e.identified ? '#52c41a' : e.seen ? '#faad14' : COLOR.blind, '#262626');
  }
  const dot = s.placedCameras.length > 12 ? 1.8 : 2.6; // a road with 30 cameras stays legible
  for (const c of s.placedCameras) {
    const [px, py] = toPage(project([c.lon, c.lat]));
    doc.circle(px, py, dot).fillAndStroke(c.bearingDeg === null || c.fovDeg === null ? '#ffffff' : COLOR.camera, COLOR.camera);
  }
  doc.restore();

  // Scale bar (bottom left) and north arrow (top right).
  const metres = niceLength((box.w * 0.25) / scale);
  const barW = metres * scale;
  const bx = box.x + 10;
  const by = box.y + box.h - 12;
  doc.lineWidth(1).strokeColor('#262626').moveTo(bx, by).lineTo(bx + barW, by).stroke();
  doc.moveTo(bx, by - 3).lineTo(bx, by + 1).moveTo(bx + barW, by - 3).lineTo(bx + barW, by + 1).stroke();
  l.font('regular', FONT.small, '#262626');
  doc.text(`${metres} 米`, bx, by - 12, { width: Math.max(barW, 40), lineBreak: false });
  const nx = box.x + box.w - 18;
  const ny = box.y + 10;
  doc.polygon([nx, ny], [nx - 5, ny + 14], [nx, ny + 10], [nx + 5, ny + 14]).fillColor('#262626').fill();
  doc.text('北', nx - 10, ny + 15, { width: 20, align: 'center', lineBreak: false });

  doc.x = l.left;
  doc.y = top + boxH + 4;
  l.font('regular', FONT.small, COLOR.muted);
  doc.text('图例：浅绿 = 部位范围；红色 = 盲区；蓝点 = 摄像机（虚线为视场扇形），空心点 = 缺朝向或视场角；方块 = 出入口（绿 可辨识人脸，橙 仅拍到，红 未拍到）', l.left, doc.y, { width: l.width });
  doc.moveDown(0.8);
}

function maps(l: Layout, d: ReportData) {
  const short = d.sites.filter((s) => s.share < FULL_COVERAGE_SHARE).sort((a, b) => a.share - b.share);
  // The heading never stands alone at the foot of a page: it comes with its first map.
  if (short.length) l.ensure(MAP_HEIGHT + 150);
  l.section('三、重点部位盲区图');
  l.paragraph(`视频覆盖率低于 ${Math.round(FULL_COVERAGE_SHARE * 100)}% 的重点部位共 ${short.length} 个（覆盖率由低到高）。覆盖按台账中的摄像机位置、朝向、视场角和可视距离计算，盲区为没有任何摄像机拍到的部分。`);
  if (!short.length) return l.paragraph('全部重点部位已达到全覆盖。');
  short.slice(0, PDF_MAX_SITE_MAPS).forEach((s, i) => siteMap(l, d, s, i + 1));
  if (short.length > PDF_MAX_SITE_MAPS) l.paragraph(`另有 ${short.length - PDF_MAX_SITE_MAPS} 个部位未绘图（见 Excel 报告“重点部位覆盖”）。`);
}

// ------------------------------------------------------------------------------------ end

function signOff(l: Layout) {
  const { doc } = l;
  l.section('四、签字');
  l.ensure(120);
  doc.moveDown(1);
  const col = l.width / 3;
  const y = doc.y + 24;
  l.font('regular', 10);
  for (const [i, label] of ['检查人', '被检查单位负责人', '日期'].entries()) {
    const x = l.left + i * col;
    doc.text(`${label}：`, x, y - 12, { width: col - 10, lineBreak: false });
    doc.lineWidth(0.6).moveTo(x + (label.length + 1) * 10 + 4, y).lineTo(x + col - 14, y).stroke(COLOR.text);
  }
  doc.x = l.left;
  doc.y = y + 20;
}

function decorate(l: Layout, d: ReportData) {
  const { doc } = l;
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing in the margin must not start a new page
    const y = doc.page.height - 40;
    doc.lineWidth(0.5).moveTo(l.left, y - 6).lineTo(l.left + l.width, y - 6).stroke(COLOR.rule);
    l.font('regular', FONT.small, COLOR.muted);
    doc.text(FOOTER, l.left, y, { width: l.width * 0.8, lineBreak: false });
    doc.text(`第 ${i + 1} 页 / 共 ${range.count} 页`, l.left, y, { width: l.width, align: 'right', lineBreak: false });
    if (i > range.start) {
      doc.text(`${d.universityName}${d.campusName ? ` · ${d.campusName}` : ''} · ${REPORT_TITLE} · ${beijingTime(d.score.computedAt)}`, l.left, 32, { width: l.width, lineBreak: false });
      doc.lineWidth(0.5).moveTo(l.left, 44).lineTo(l.left + l.width, 44).stroke(COLOR.rule);
    }
    doc.page.margins.bottom = bottom;
  }
}

export async function renderReportPdf(d: ReportData): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    info: { Title: `${d.universityName} ${REPORT_TITLE}`, Author: d.generatedBy, Subject: `${d.score.pack.title} ${d.score.pack.version}`, Creator: 'xiaoan 校安', CreationDate: new Date(d.generatedAt) },
    lang: 'zh-CN',
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  registerCjkFonts(doc);
  const l = new Layout(doc);
  cover(l, d);
  rules(l, d);
  evidence(l, d);
  maps(l, d);
  signOff(l);
  decorate(l, d);
  doc.end();
  return done;
}
