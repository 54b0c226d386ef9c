import { useTranslationRef } from '@backstage/frontend-plugin-api';
import type { CrmLocale } from '@cocrm/plugin-crm-common';
import { crmTranslationRef } from '../../translation';
import { crmMessagesEn } from '../../translations/en';

export type EnumGroup = keyof typeof crmMessagesEn.enums;

const FIELD_KEYS = new Set(Object.keys(crmMessagesEn.fields));

/** The CRM translation function plus helpers for enum and field labels. */
export function useCrmT() {
  const { t } = useTranslationRef(crmTranslationRef);
  const locale: CrmLocale = t('meta.locale') === 'en' ? 'en' : 'zh-CN';
  const tAny = t as unknown as (key: string, options?: Record<string, unknown>) => string;
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
