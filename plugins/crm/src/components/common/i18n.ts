import { useTranslationRef } from '@backstage/frontend-plugin-api';
import type { CrmLocale } from '@cocrm/plugin-crm-common';
import { crmTranslationRef } from '../../translation';
import { crmMessagesEn } from '../../translations/en';

export type EnumGroup = keyof typeof crmMessagesEn.enums;

type Flatten<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Flatten<T[K], `${P}${K}.`>;
}[keyof T & string];

/** Every message key of the CRM ("customer.tabs.graph" …). */
export type CrmMessageKey = Flatten<typeof crmMessagesEn>;

/**
 * The translation function with plain key checking. Backstage's own
 * TranslationFunction type parses every message for interpolation
 * placeholders, which for a few hundred messages made the type checker run
 * for minutes; keys are still checked, options are loose.
 */
export type CrmTranslate = (key: CrmMessageKey, options?: Record<string, string | number>) => string;

const FIELD_KEYS = new Set(Object.keys(crmMessagesEn.fields));

/** The CRM translation function plus helpers for enum and field labels. */
export function useCrmT() {
  const tAny = useTranslationRef(crmTranslationRef).t as unknown as (key: string, options?: Record<string, unknown>) => string;
  const t: CrmTranslate = tAny;
  const locale: CrmLocale = t('meta.locale') === 'en' ? 'en' : 'zh-CN';
  const enumLabel = (group: EnumGroup, value: string | null | undefined): string => {
    if (value === null || value === undefined || value === '') return '';
    const key = `enums.${group}.${value}`;
    const label = tAny(key);
    return label === key ? value : label;
  };
  const fieldLabel = (field: string): string =>
    FIELD_KEYS.has(field) ? tAny(`fields.${field}`) : field;
  return { t, tAny, locale, enumLabel, fieldLabel };
}

export type CrmT = ReturnType<typeof useCrmT>;
