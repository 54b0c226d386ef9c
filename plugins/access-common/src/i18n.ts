import { AccessLocale, Label } from './model';

type Vars = Record<string, string | number>;

/**
 * The suite's one way to hold the texts a backend sends (errors, problems):
 * zh-CN first, English typed against it, `{name}` placeholders. Every plugin's
 * `messages.ts` builds its catalog with this.
 */
export function messageCatalog<K extends string>(zh: Record<K, string>, en: Record<K, string>) {
  const catalogs: Record<AccessLocale, Record<K, string>> = { 'zh-CN': zh, en };
  const message = (locale: AccessLocale, key: K, vars: Vars = {}): string =>
    catalogs[locale][key].replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
  return {
    message,
    /** the text in both languages, for problems that are listed rather than thrown */
    label: (key: K, vars: Vars = {}): Label => ({ 'zh-CN': message('zh-CN', key, vars), en: message('en', key, vars) }),
    isKey: (key: string): key is K => Object.prototype.hasOwnProperty.call(zh, key),
  };
}

/** The caller's language from an Accept-Language header (q-values honoured); Chinese by default. */
export function localeFromAcceptLanguage(header: string | undefined): AccessLocale {
  if (!header) return 'zh-CN';
  const first = header
    .split(',')
    .map(part => {
      const [tag, q] = part.trim().split(';q=');
      return { tag: tag.toLowerCase(), q: q ? Number(q) : 1 };
    })
    .sort((a, b) => b.q - a.q)
    .find(l => l.tag.startsWith('zh') || l.tag.startsWith('en'));
  return first && first.tag.startsWith('en') ? 'en' : 'zh-CN';
}
