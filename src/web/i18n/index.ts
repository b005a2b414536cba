import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LANGUAGES, resources, type Language } from './resources.ts';

export { LANGUAGES, resources, type Language };

const STORAGE_KEY = 'xiaoan.lang';

function savedLanguage(): Language {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    return (LANGUAGES as readonly string[]).includes(saved ?? '') ? (saved as Language) : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

void i18n.use(initReactI18next).init({
  resources,
  lng: savedLanguage(),
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false }, // React escapes
  initAsync: false,
});
document.documentElement.lang = i18n.language;

export function currentLanguage(): Language {
  return i18n.language === 'en' ? 'en' : 'zh-CN';
}

export function setLanguage(lng: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = lng;
  void i18n.changeLanguage(lng);
}

/**
 * Translates a key built from a server-sent string (an audit action, an error code …) that the
 * type system cannot check; falls back to the raw value so nothing shows as a bare key.
 */
/** 一级（紧急）… 四级（一般）: the alarm priority as a security office names it; `short` for tight places. */
export function priorityLabel(priority: number, short = false): string {
  return translateDynamic(`alarms.${short ? 'priorityShortLevel' : 'priorityLevel'}.${priority}`, `P${priority}`);
}

export function translateDynamic(key: string, fallback: string, options: Record<string, unknown> = {}): string {
  return i18n.exists(key) ? String(i18n.t(key as never, options as never)) : fallback;
}

export default i18n;
