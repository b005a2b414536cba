import 'i18next';
import type zhCN from './zh-CN.json';

// Keys are checked at compile time against the Chinese file; i18n.test.ts keeps en.json in step.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof zhCN };
  }
}
