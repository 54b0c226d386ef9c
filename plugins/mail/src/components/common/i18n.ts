import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { mailTranslationRef } from '../../translation';
import { mailMessagesEn } from '../../translations/en';

type Flatten<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Flatten<T[K], `${P}${K}.`>;
}[keyof T & string];

/** Every message key of 邮件 ("thread.reply" …). */
export type MailMessageKey = Flatten<typeof mailMessagesEn>;

/**
 * The translation function with plain key checking: Backstage's own
 * TranslationFunction type parses every message for placeholders, which for a
 * few hundred messages makes the type checker crawl.
 */
export type MailTranslate = (key: MailMessageKey, options?: Record<string, string | number>) => string;

export type UiLocale = 'zh-CN' | 'en';

export function useMailT() {
  const t = useTranslationRef(mailTranslationRef).t as unknown as MailTranslate;
  const locale: UiLocale = t('meta.locale') === 'en' ? 'en' : 'zh-CN';
  return { t, locale };
}

export type MailT = ReturnType<typeof useMailT>;
