/**
 * Strings that the server and the web console both use: the labels of the domain's closed lists
 * (`enum.*`: device kinds and statuses, org kinds, key-site categories, roles …; alarm types,
 * states, priorities, log actions, rule-trace codes; event kinds, severities, sources, payload
 * fields and values) and every phrase the server writes into a document (the PDF case file's
 * `caseFile.pdf.*`, Excel headers and values). The server reads them here; the web console merges
 * them with its own strings (src/web/i18n/resources.ts), so a PDF or a spreadsheet says exactly
 * what the screen says.
 *
 * Layout: `<lang>/<key>.json` holds the part of top-level key `<key>` that lives here (the rest of
 * `alarms`, `events` … is in src/web/i18n/<lang>/<key>.json). A key is defined in one place only:
 * `mergeStrings` refuses a key found in both.
 */
import enAlarms from './en/alarms.json' with { type: 'json' };
import enCaseFile from './en/caseFile.json' with { type: 'json' };
import enCommon from './en/common.json' with { type: 'json' };
import enEnum from './en/enum.json' with { type: 'json' };
import enEvents from './en/events.json' with { type: 'json' };
import zhAlarms from './zh-CN/alarms.json' with { type: 'json' };
import zhCaseFile from './zh-CN/caseFile.json' with { type: 'json' };
import zhCommon from './zh-CN/common.json' with { type: 'json' };
import zhEnum from './zh-CN/enum.json' with { type: 'json' };
import zhEvents from './zh-CN/events.json' with { type: 'json' };

export const SHARED_STRINGS = {
  'zh-CN': { alarms: zhAlarms, caseFile: zhCaseFile, common: zhCommon, enum: zhEnum, events: zhEvents },
  en: { alarms: enAlarms, caseFile: enCaseFile, common: enCommon, enum: enEnum, events: enEvents },
};

/** A translation resource: nested keys, text at the leaves. */
export type StringTree = { readonly [key: string]: string | StringTree };

/** The type of two resources merged key by key (a key is never in both: `mergeStrings` checks). */
export type MergedStrings<A, B> = {
  [K in keyof A | keyof B]: K extends keyof A
    ? K extends keyof B
      ? A[K] extends string
        ? A[K]
        : MergedStrings<A[K], B[K]>
      : A[K]
    : K extends keyof B
      ? B[K]
      : never;
};

/** Merges two resources key by key; throws when both define the same text (or a text and a group). */
export function mergeStrings<A extends object, B extends object>(a: A, b: B, at = ''): MergedStrings<A, B> {
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [key, value] of Object.entries(b)) {
    const where = at ? `${at}.${key}` : key;
    const mine = out[key];
    if (mine === undefined) out[key] = value;
    else if (typeof mine === 'object' && mine !== null && typeof value === 'object' && value !== null) out[key] = mergeStrings(mine, value as object, where);
    else throw new Error(`translation key ${where} is defined twice`);
  }
  return out as MergedStrings<A, B>;
}

/** The text at a dotted key (`alarms.state.new`), or undefined when there is none. */
export function lookupString(tree: StringTree, key: string): string | undefined {
  let node: string | StringTree | undefined = tree;
  for (const part of key.split('.')) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}
