import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { suiteTranslationRef } from './translation';
import { suiteMessagesEn } from './translations/en';

type Flatten<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Flatten<T[K], `${P}${K}.`>;
}[keyof T & string];

export type SuiteMessageKey = Flatten<typeof suiteMessagesEn>;

/**
 * Keys checked, options loose: the same shape as the plugins' translate
 * functions, whose full TranslationFunction types made the checker crawl.
 */
export type SuiteTranslate = (key: SuiteMessageKey, options?: Record<string, string | number>) => string;

export function useSuiteT() {
  const t = useTranslationRef(suiteTranslationRef).t as unknown as SuiteTranslate;
  const locale: 'en' | 'zh-CN' = t('meta.locale') === 'en' ? 'en' : 'zh-CN';
  return { t, locale };
}
