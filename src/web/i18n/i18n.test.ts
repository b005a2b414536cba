/**
 * Both languages carry the same keys and placeholders, every closed list of the domain has a
 * label in both, and components hold no Chinese text of their own (it belongs in zh-CN.json).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
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

const dir = path.dirname(fileURLToPath(import.meta.url));
const webRoot = path.resolve(dir, '..');
type Tree = { [key: string]: string | Tree };
const load = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Tree;
const zh = load('zh-CN.json');
const en = load('en.json');

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

describe('i18n resources', () => {
  it('have the same keys in Chinese and English', () => {
    assert.deepEqual([...enKeys.keys()].filter((k) => !zhKeys.has(k)), [], 'only in en.json');
    assert.deepEqual([...zhKeys.keys()].filter((k) => !enKeys.has(k)), [], 'only in zh-CN.json');
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, text] of zhKeys) assert.deepEqual(placeholders(enKeys.get(key) ?? ''), placeholders(text), key);
  });

  it('label every value of the closed domain lists and every error code', () => {
    const lists: [string, readonly string[]][] = [
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
      ['error', Object.keys(ERROR_CODES)],
    ];
    for (const [prefix, values] of lists) {
      for (const v of values) {
        assert.ok(zhKeys.get(`${prefix}.${v}`), `zh-CN.json lacks ${prefix}.${v}`);
        assert.ok(enKeys.get(`${prefix}.${v}`), `en.json lacks ${prefix}.${v}`);
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
});
