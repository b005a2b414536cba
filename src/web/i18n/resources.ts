/**
 * The console's strings. Each feature (a top-level key: `alarms`, `ledger`, `map` …) has one
 * file per language, `zh-CN/<key>.json` and `en/<key>.json`, holding that key's subtree; the
 * strings the server uses too (closed-list labels, case-file text) are in src/shared/i18n, laid out
 * the same way. Both are merged into the single `translation` namespace, so a call site keeps
 * writing `t('alarms.queue')`, and i18next.d.ts checks keys against the merged Chinese resource.
 *
 * A new feature: add `zh-CN/<key>.json` and `en/<key>.json` with the same keys, import both below
 * and list them in WEB_STRINGS (i18n.test.ts fails while a file is left out or a key is missing).
 */
import { mergeStrings, SHARED_STRINGS } from '../../shared/i18n/index.ts';
import enAlarmStats from './en/alarmStats.json' with { type: 'json' };
import enAlarms from './en/alarms.json' with { type: 'json' };
import enApp from './en/app.json' with { type: 'json' };
import enAudit from './en/audit.json' with { type: 'json' };
import enAuth from './en/auth.json' with { type: 'json' };
import enCaseFile from './en/caseFile.json' with { type: 'json' };
import enCommon from './en/common.json' with { type: 'json' };
import enDeadLetters from './en/deadLetters.json' with { type: 'json' };
import enDevice from './en/device.json' with { type: 'json' };
import enError from './en/error.json' with { type: 'json' };
import enEvents from './en/events.json' with { type: 'json' };
import enExcel from './en/excel.json' with { type: 'json' };
import enFloor from './en/floor.json' with { type: 'json' };
import enGb28181 from './en/gb28181.json' with { type: 'json' };
import enVideo from './en/video.json' with { type: 'json' };
import enGuard from './en/guard.json' with { type: 'json' };
import enHeader from './en/header.json' with { type: 'json' };
import enHealth from './en/health.json' with { type: 'json' };
import enLang from './en/lang.json' with { type: 'json' };
import enLedger from './en/ledger.json' with { type: 'json' };
import enMaintenance from './en/maintenance.json' with { type: 'json' };
import enMap from './en/map.json' with { type: 'json' };
import enNav from './en/nav.json' with { type: 'json' };
import enOrg from './en/org.json' with { type: 'json' };
import enPeople from './en/people.json' with { type: 'json' };
import enRules from './en/rules.json' with { type: 'json' };
import enValidation from './en/validation.json' with { type: 'json' };
import enVehicles from './en/vehicles.json' with { type: 'json' };
import enAccess from './en/access.json' with { type: 'json' };
import enVisitors from './en/visitors.json' with { type: 'json' };
import enPatrol from './en/patrol.json' with { type: 'json' };
import enDuty from './en/duty.json' with { type: 'json' };
import enCompliance from './en/compliance.json' with { type: 'json' };
import enComplianceReport from './en/complianceReport.json' with { type: 'json' };
import enComplianceEvidence from './en/complianceEvidence.json' with { type: 'json' };
import enComplianceRemediation from './en/complianceRemediation.json' with { type: 'json' };
import enDutySwaps from './en/dutySwaps.json' with { type: 'json' };
import enDutyStats from './en/dutyStats.json' with { type: 'json' };
import enTrajectory from './en/trajectory.json' with { type: 'json' };
import zhAlarmStats from './zh-CN/alarmStats.json' with { type: 'json' };
import zhAlarms from './zh-CN/alarms.json' with { type: 'json' };
import zhApp from './zh-CN/app.json' with { type: 'json' };
import zhAudit from './zh-CN/audit.json' with { type: 'json' };
import zhAuth from './zh-CN/auth.json' with { type: 'json' };
import zhCaseFile from './zh-CN/caseFile.json' with { type: 'json' };
import zhCommon from './zh-CN/common.json' with { type: 'json' };
import zhDeadLetters from './zh-CN/deadLetters.json' with { type: 'json' };
import zhDevice from './zh-CN/device.json' with { type: 'json' };
import zhError from './zh-CN/error.json' with { type: 'json' };
import zhEvents from './zh-CN/events.json' with { type: 'json' };
import zhExcel from './zh-CN/excel.json' with { type: 'json' };
import zhFloor from './zh-CN/floor.json' with { type: 'json' };
import zhGb28181 from './zh-CN/gb28181.json' with { type: 'json' };
import zhVideo from './zh-CN/video.json' with { type: 'json' };
import zhGuard from './zh-CN/guard.json' with { type: 'json' };
import zhHeader from './zh-CN/header.json' with { type: 'json' };
import zhHealth from './zh-CN/health.json' with { type: 'json' };
import zhLang from './zh-CN/lang.json' with { type: 'json' };
import zhLedger from './zh-CN/ledger.json' with { type: 'json' };
import zhMaintenance from './zh-CN/maintenance.json' with { type: 'json' };
import zhMap from './zh-CN/map.json' with { type: 'json' };
import zhNav from './zh-CN/nav.json' with { type: 'json' };
import zhOrg from './zh-CN/org.json' with { type: 'json' };
import zhPeople from './zh-CN/people.json' with { type: 'json' };
import zhRules from './zh-CN/rules.json' with { type: 'json' };
import zhValidation from './zh-CN/validation.json' with { type: 'json' };
import zhVehicles from './zh-CN/vehicles.json' with { type: 'json' };
import zhAccess from './zh-CN/access.json' with { type: 'json' };
import zhVisitors from './zh-CN/visitors.json' with { type: 'json' };
import zhPatrol from './zh-CN/patrol.json' with { type: 'json' };
import zhDuty from './zh-CN/duty.json' with { type: 'json' };
import zhCompliance from './zh-CN/compliance.json' with { type: 'json' };
import zhComplianceReport from './zh-CN/complianceReport.json' with { type: 'json' };
import zhComplianceEvidence from './zh-CN/complianceEvidence.json' with { type: 'json' };
import zhComplianceRemediation from './zh-CN/complianceRemediation.json' with { type: 'json' };
import zhDutySwaps from './zh-CN/dutySwaps.json' with { type: 'json' };
import zhDutyStats from './zh-CN/dutyStats.json' with { type: 'json' };
import zhTrajectory from './zh-CN/trajectory.json' with { type: 'json' };

const WEB_STRINGS = {
  'zh-CN': {
    app: zhApp,
    nav: zhNav,
    header: zhHeader,
    lang: zhLang,
    common: zhCommon,
    auth: zhAuth,
    org: zhOrg,
    map: zhMap,
    events: zhEvents,
    deadLetters: zhDeadLetters,
    health: zhHealth,
    floor: zhFloor,
    device: zhDevice,
    ledger: zhLedger,
    excel: zhExcel,
    maintenance: zhMaintenance,
    gb28181: zhGb28181,
    video: zhVideo,
    audit: zhAudit,
    validation: zhValidation,
    error: zhError,
    alarms: zhAlarms,
    guard: zhGuard,
    caseFile: zhCaseFile,
    alarmStats: zhAlarmStats,
    rules: zhRules,
    people: zhPeople,
    vehicles: zhVehicles,
    access: zhAccess,
    visitors: zhVisitors,
    patrol: zhPatrol,
    duty: zhDuty,
    compliance: zhCompliance,
    complianceReport: zhComplianceReport,
    complianceEvidence: zhComplianceEvidence,
    complianceRemediation: zhComplianceRemediation,
    dutySwaps: zhDutySwaps,
    dutyStats: zhDutyStats,
    trajectory: zhTrajectory,
  },
  en: {
    app: enApp,
    nav: enNav,
    header: enHeader,
    lang: enLang,
    common: enCommon,
    auth: enAuth,
    org: enOrg,
    map: enMap,
    events: enEvents,
    deadLetters: enDeadLetters,
    health: enHealth,
    floor: enFloor,
    device: enDevice,
    ledger: enLedger,
    excel: enExcel,
    maintenance: enMaintenance,
    gb28181: enGb28181,
    video: enVideo,
    audit: enAudit,
    validation: enValidation,
    error: enError,
    alarms: enAlarms,
    guard: enGuard,
    caseFile: enCaseFile,
    alarmStats: enAlarmStats,
    rules: enRules,
    people: enPeople,
    vehicles: enVehicles,
    access: enAccess,
    visitors: enVisitors,
    patrol: enPatrol,
    duty: enDuty,
    compliance: enCompliance,
    complianceReport: enComplianceReport,
    complianceEvidence: enComplianceEvidence,
    complianceRemediation: enComplianceRemediation,
    dutySwaps: enDutySwaps,
    dutyStats: enDutyStats,
    trajectory: enTrajectory,
  },
};

/** Simplified Chinese is the default; English is the one alternative. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Chinese (the default, and the key type of `t`), then English. */
export const zhCN = mergeStrings(WEB_STRINGS['zh-CN'], SHARED_STRINGS['zh-CN']);
export const en = mergeStrings(WEB_STRINGS.en, SHARED_STRINGS.en);

export const resources = { 'zh-CN': { translation: zhCN }, en: { translation: en } } as const;
