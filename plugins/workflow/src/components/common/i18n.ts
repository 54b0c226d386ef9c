import { useTranslationRef } from '@backstage/frontend-plugin-api';
import type { Label } from '@cocrm/plugin-access-common';
import { workflowTranslationRef } from '../../translation';
import { workflowMessagesEn } from '../../translations/en';

type Flatten<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Flatten<T[K], `${P}${K}.`>;
}[keyof T & string];

/** Every message key of 审批 ("inbox.tabs.todo" …). */
export type WorkflowMessageKey = Flatten<typeof workflowMessagesEn>;

export type EnumGroup = keyof typeof workflowMessagesEn.enums;

/**
 * The translation function with plain key checking. Backstage's own
 * TranslationFunction type parses every message for interpolation
 * placeholders, which for a few hundred messages makes the type checker
 * crawl; keys are still checked, options are loose.
 */
export type WorkflowTranslate = (key: WorkflowMessageKey, options?: Record<string, string | number>) => string;

export type UiLocale = 'zh-CN' | 'en';

/** The translation function plus labels of enums and of bilingual labels in the UI language. */
export function useWorkflowT() {
  const tAny = useTranslationRef(workflowTranslationRef).t as unknown as (
    key: string,
    options?: Record<string, unknown>,
  ) => string;
  const t: WorkflowTranslate = tAny;
  const locale: UiLocale = t('meta.locale') === 'en' ? 'en' : 'zh-CN';
  const label = (l: Label | null | undefined, fallback = ''): string => (l ? l[locale] || l['zh-CN'] : fallback);
  /** an enum value's label ("enums.instanceStatus.running"), or the raw value when there is none */
  const enumLabel = (group: EnumGroup, value: string | null | undefined): string => {
    if (value === null || value === undefined || value === '') return '';
    const key = `enums.${group}.${value}`;
    const text = tAny(key);
    return text === key ? value : text;
  };
  return { t, tAny, locale, label, enumLabel };
}

export type WorkflowT = ReturnType<typeof useWorkflowT>;
