import { useTranslationRef } from '@backstage/frontend-plugin-api';
import type { Label } from '@cocrm/plugin-access-common';
import { designerTranslationRef } from './translation';
import { designerMessagesEn } from './messages.en';

type Flatten<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Flatten<T[K], `${P}${K}.`>;
}[keyof T & string];

export type DesignerMessageKey = Flatten<typeof designerMessagesEn>;

/**
 * Keys checked, options loose, like the other plugins' translate functions
 * (Backstage's full TranslationFunction type makes the checker crawl).
 */
export type DesignerTranslate = (key: DesignerMessageKey, options?: Record<string, string | number>) => string;

export type DesignerLocale = 'zh-CN' | 'en';

export function useDesignerT() {
  const t = useTranslationRef(designerTranslationRef).t as unknown as DesignerTranslate;
  const locale: DesignerLocale = t('meta.locale') === 'en' ? 'en' : 'zh-CN';
  const label = (l: Label | null | undefined, fallback = ''): string => (l ? l[locale] || l['zh-CN'] : fallback);
  return { t, locale, label };
}

export type DesignerT = ReturnType<typeof useDesignerT>;
