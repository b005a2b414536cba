/**
 * What the inspection report (检查报告) is rendered from: the score and the coverage exactly as the
 * compliance page shows them, with the names, outlines and camera positions the maps need. Plain
 * data (structured-clone safe): it crosses into the renderer's worker thread.
 */
import { beijingDateTime } from '../../../shared/beijing-time.ts';
import type { ComplianceScore, Finding, RuleStatus, SiteCoverageReport } from '../../../shared/compliance.ts';
import type { AreaGeometry } from '../../../shared/geojson.ts';
import { lookupString, SHARED_STRINGS } from '../../../shared/i18n/index.ts';

export interface ReportCamera {
  id: string;
  name: string;
  lon: number;
  lat: number;
  /** Null when the ledger lacks the bearing or field of view: a dot without a sector. */
  bearingDeg: number | null;
  fovDeg: number | null;
  /** How far its sector reaches (the recorded range capped by what its resolution resolves at 25 px/m). */
  reachM: number;
}

export interface ReportSite extends SiteCoverageReport {
  campusId: string;
  outline: AreaGeometry;
  /** Cameras that took part (sectors) and those near it without bearing or field of view (dots). */
  placedCameras: ReportCamera[];
  /** The site's entrances with their positions. */
  entrancePoints: { id: string; name: string; lon: number; lat: number; seen: boolean; identified: boolean }[];
}

export interface ReportData {
  universityName: string;
  /** The campus reported on; null: the whole university. */
  campusName: string | null;
  campusNames: Record<string, string>;
  score: ComplianceScore;
  sites: ReportSite[];
  coverageMethod: string;
  generatedAt: string;
  generatedBy: string;
}

export type ReportJob = { format: 'pdf' | 'xlsx'; data: ReportData };

// ---- wording shared by the PDF and the workbook (the inspector reads Chinese) ----

export const STATUS_ZH: Record<RuleStatus, string> = { pass: '达标', partial: '部分达标', fail: '不达标', no_data: '无数据' };
export const LEVEL_ZH = { required: '应', recommended: '宜' } as const;
export const METHOD_ZH = { system_data: '系统数据', document_review: '查看文件', site_visit: '现场走访' } as const;
export const ENTITY_ZH: Record<Finding['entityType'], string> = { device: '设备', key_site: '重点部位', entrance: '出入口', area: '区域', university: '学校', alarm: '报警', rule: '报警规则', account: '人员' };
export const REPORT_TITLE = '校园安全技术防范检查报告';
export const FOOTER = '由 xiaoan 根据平台数据自动生成；带“无数据”的项目需现场核查';

/** The key-site category as the platform's Chinese lists name it. */
export const categoryZh = (code: string) => lookupString(SHARED_STRINGS['zh-CN'], `enum.keySiteCategory.${code}`) ?? code;

/** `2026-12-07 21:05` in Beijing time. */
export const beijingTime = (iso: string) => beijingDateTime(Date.parse(iso)).slice(0, 16);

export const percent = (share: number) => `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
export const round1 = (n: number) => Math.round(n * 10) / 10;
export const blindM2 = (s: SiteCoverageReport) => Math.max(0, s.areaM2 - s.coveredM2);
/** The evidence of a rule: what the judgement rests on, or for 无数据 what is missing. */
export const basisText = (r: ComplianceScore['rules'][number]['result']) => (r.status === 'no_data' ? `缺少的数据：${r.missing ?? '—'}` : r.figure);
export const campusOf = (d: ReportData, id: string | null) => (id ? (d.campusNames[id] ?? id) : '—');
