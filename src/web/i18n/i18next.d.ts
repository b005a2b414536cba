import 'i18next';
import type { zhCN } from './resources.ts';

// Keys are checked at compile time against the merged Chinese resource (every zh-CN/*.json here
// and in src/shared/i18n); i18n.test.ts keeps the English files in step.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof zhCN };
  }
}
