/**
 * Both languages carry the same files, keys and placeholders, every file is part of the resource,
 * every closed list of the domain has a label in both (in src/shared/i18n, where the server reads
 * it), components hold no Chinese text of their own (it belongs in zh-CN/<feature>.json), and the
 * server reads nothing from src/web.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ACTION_TYPES, ALARM_STATES, ALARM_TYPES, DISPATCH_STATES, PRIORITIES } from '../../shared/alarms.ts';
import {
  CAMERA_RESOLUTIONS,
  CAMERA_TYPES,
  DEVICE_KINDS,
  DEVICE_STATUSES,
  KEY_SITE_CATEGORIES,
  MAINTENANCE_KINDS,
  ORG_KINDS,
  PLACEMENTS,
  PRIVACY_KINDS,
  ROLES,
} from '../../shared/domain.ts';
import { ERROR_CODES } from '../../shared/error-codes.ts';
import { EVENT_KIND_LIST, EVENT_SOURCES, SEVERITIES } from '../../shared/events.ts';
import { mergeStrings, SHARED_STRINGS, type StringTree } from '../../shared/i18n/index.ts';
import { en, LANGUAGES, zhCN as zh } from './resources.ts';

const dir = path.dirname(fileURLToPath(import.meta.url));
const webRoot = path.resolve(dir, '..');
const srcRoot = path.resolve(webRoot, '..');
const sharedDir = path.join(srcRoot, 'shared', 'i18n');
type Tree = StringTree;
const jsonFiles = (d: string) => readdirSync(d).filter((f) => f.endsWith('.json')).sort();
/** `<dir>/<lang>/*.json` as one tree: each file is the subtree of the top-level key it is named after. */
const readLanguage = (d: string, lang: string): Tree =>
  Object.fromEntries(jsonFiles(path.join(d, lang)).map((f) => [f.slice(0, -'.json'.length), JSON.parse(readFileSync(path.join(d, lang, f), 'utf8')) as Tree]));

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}
const zhKeys = flatten(zh);
const enKeys = flatten(en);
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

/** The closed lists of src/shared/domain.ts and where their labels live. */
const DOMAIN_LISTS: [string, readonly string[]][] = [
      ['enum.deviceKind', DEVICE_KINDS],
      ['enum.deviceStatus', DEVICE_STATUSES],
      ['enum.keySiteCategory', KEY_SITE_CATEGORIES],
      ['enum.role', ROLES],
      ['enum.orgKind', ORG_KINDS],
      ['enum.privacy', PRIVACY_KINDS],
      ['enum.cameraResolution', CAMERA_RESOLUTIONS],
      ['enum.cameraType', CAMERA_TYPES],
      ['enum.placement', PLACEMENTS],
      ['enum.maintenanceKind', MAINTENANCE_KINDS],
];

describe('i18n resources', () => {
  it('have the same files in Chinese and English, each of them in the resource', () => {
    for (const d of [dir, sharedDir]) {
      assert.deepEqual(jsonFiles(path.join(d, 'en')), jsonFiles(path.join(d, 'zh-CN')), `${path.relative(srcRoot, d)}: en/ and zh-CN/ differ`);
    }
    // What resources.ts imports is exactly what is on disk: no file left out, none twice.
    const resources = { 'zh-CN': zh, en } as const;
    for (const lang of LANGUAGES) {
      assert.deepEqual(JSON.parse(JSON.stringify(resources[lang])), mergeStrings(readLanguage(dir, lang), readLanguage(sharedDir, lang)), lang);
      assert.deepEqual(JSON.parse(JSON.stringify(SHARED_STRINGS[lang])), readLanguage(sharedDir, lang), `${lang}: src/shared/i18n/index.ts`);
    }
  });

  it('have the same keys in Chinese and English', () => {
    assert.deepEqual([...enKeys.keys()].filter((k) => !zhKeys.has(k)), [], 'only in en/');
    assert.deepEqual([...zhKeys.keys()].filter((k) => !enKeys.has(k)), [], 'only in zh-CN/');
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, text] of zhKeys) assert.deepEqual(placeholders(enKeys.get(key) ?? ''), placeholders(text), key);
  });

  it('label every value of the closed domain lists, in the shared strings the server reads', () => {
    const shared = { 'zh-CN': flatten(SHARED_STRINGS['zh-CN']), en: flatten(SHARED_STRINGS.en) };
    const lists: [string, readonly (string | number)[]][] = [
      ...DOMAIN_LISTS,
      ['alarms.type', ALARM_TYPES],
      ['alarms.state', ALARM_STATES],
      ['alarms.dispatchState', DISPATCH_STATES],
      ['alarms.actionType', ACTION_TYPES],
      ['alarms.priorityLevel', PRIORITIES],
      ['alarms.priorityShortLevel', PRIORITIES],
      ['events.kind', EVENT_KIND_LIST.map((k) => k.replace(/\./g, '_'))],
      ['events.severity', SEVERITIES],
      ['events.sourceKind', EVENT_SOURCES],
    ];
    for (const [prefix, values] of lists) {
      for (const v of values) {
        for (const lang of LANGUAGES) assert.ok(shared[lang].get(`${prefix}.${v}`), `src/shared/i18n/${lang} lacks ${prefix}.${v}`);
      }
    }
  });

  it('label every value of the closed domain lists and every error code', () => {
    const lists: [string, readonly string[]][] = [
      ...DOMAIN_LISTS,
      ['error', Object.keys(ERROR_CODES)],
    ];
    for (const [prefix, values] of lists) {
      for (const v of values) {
        assert.ok(zhKeys.get(`${prefix}.${v}`), `zh-CN lacks ${prefix}.${v}`);
        assert.ok(enKeys.get(`${prefix}.${v}`), `en lacks ${prefix}.${v}`);
      }
    }
  });

  it('keep UI text out of components: no Chinese and no bare English JSX text in src/web code', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts')) files.push(p);
      }
    };
    walk(webRoot);
    const offenders: string[] = [];
    for (const file of files) {
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      if (/[\u4e00-\u9fff]/.test(code)) offenders.push(`${path.relative(webRoot, file)}: Chinese text`);
      // Text between a tag's end and the next tag, e.g. `<Button>Save</Button>` (not `=> Promise<void>`).
      if (file.endsWith('.tsx') && /(?<![=:]\s*)>\s*[A-Za-z][A-Za-z ,.!?']*[A-Za-z]\s*<\/?[A-Za-z]/.test(code.replace(/=>\s*[A-Za-z]+</g, ''))) offenders.push(`${path.relative(webRoot, file)}: English JSX text`);
    }
    assert.deepEqual(offenders, []);
  });

  it('are never read by the server from src/web (its strings are in src/shared/i18n)', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ts|js|mjs|cjs|json)$/.test(e.name)) files.push(p);
      }
    };
    walk(path.join(srcRoot, 'server'));
    assert.ok(files.length > 50, 'server sources found');
    const offenders: string[] = [];
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      // Every relative path written in the file (imports, `new URL(…, import.meta.url)`, path.join
      // parts) must stay out of src/web; dist/web, the built console it serves, is fine.
      for (const [, spec] of code.matchAll(/['"`](\.{1,2}\/[^'"`\s]*)['"`]/g)) {
        const target = path.resolve(path.dirname(file), spec);
        if (target === webRoot || target.startsWith(webRoot + path.sep)) offenders.push(`${path.relative(srcRoot, file)}: ${spec}`);
      }
      for (const [hit] of code.matchAll(/(['"`])[^'"`\n]*\bsrc[\\/]+web\b[^'"`\n]*\1/g)) offenders.push(`${path.relative(srcRoot, file)}: ${hit}`);
      for (const [hit] of code.matchAll(/['"`](?:\.\.|src)['"`]\s*,\s*['"`]web['"`]/g)) offenders.push(`${path.relative(srcRoot, file)}: ${hit}`);
    }
    assert.deepEqual(offenders, []);
  });
});
