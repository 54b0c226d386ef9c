import { useTranslationRef } from '@backstage/frontend-plugin-api';
import {
  ACTION_LABELS,
  SCOPE_LABELS,
  type AccessAction,
  type AccessLocale,
  type DataScope,
  type Label,
} from '@cocrm/plugin-access-common';
import { accessTranslationRef } from '../../translation';
import { accessMessagesEn } from '../../translations/en';

type Flatten<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Flatten<T[K], `${P}${K}.`>;
}[keyof T & string];

/** Every message key of 系统设置 ("roles.new" …). */
export type AccessMessageKey = Flatten<typeof accessMessagesEn>;

/**
 * The translation function with plain key checking. Backstage's own
 * TranslationFunction type parses every message for interpolation
 * placeholders, which for a few hundred messages made the type checker run
 * for minutes; keys are still checked, options are loose.
 */
export type AccessTranslate = (key: AccessMessageKey, options?: Record<string, string | number>) => string;

/** The translation function plus the access model's bilingual labels in the UI language. */
export function useAccessT() {
  const tAny = useTranslationRef(accessTranslationRef).t as unknown as (
    key: string,
    options?: Record<string, unknown>,
  ) => string;
  const t: AccessTranslate = tAny;
  const locale: AccessLocale = t('meta.locale') === 'en' ? 'en' : 'zh-CN';
  const label = (l: Label | null | undefined, fallback = ''): string => (l ? l[locale] || l['zh-CN'] : fallback);
  const actionLabel = (action: AccessAction | string): string =>
    action in ACTION_LABELS ? label(ACTION_LABELS[action as AccessAction]) : action;
  const scopeLabel = (scope: DataScope): string => label(SCOPE_LABELS[scope]);
  /** a label from a group of the messages ("audit.actions"), or the raw value when there is none */
  const groupLabel = (group: 'audit.recordTypes' | 'audit.actions' | 'audit.accessFields', value: string): string => {
    const key = `${group}.${value}`;
    const text = tAny(key);
    return text === key ? value : text;
  };
  return { t, tAny, locale, label, actionLabel, scopeLabel, groupLabel };
}

export type AccessT = ReturnType<typeof useAccessT>;
