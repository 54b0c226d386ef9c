import { createTranslationRef, createTranslationResource } from '@backstage/frontend-plugin-api';
import { flattenMessages } from '@cocrm/suite-react';
import { mailMessagesEn } from './translations/en';

const zhCN = () =>
  import('./translations/zh-CN').then(m => ({
    // the nested zh-CN object is type-checked against the English shape in zh-CN.ts;
    // the flattened record cannot be, hence the cast
    default: flattenMessages(m.mailMessagesZhCN) as never,
  }));

/**
 * All UI strings of 邮件. English is the default object; zh-CN ships with the
 * ref, so apps only need to offer 'zh-CN' among their languages.
 */
export const mailTranslationRef = createTranslationRef({
  id: 'mail',
  messages: mailMessagesEn,
  translations: {
    'zh-CN': zhCN,
  },
});

/** The same zh-CN messages as a resource, for apps that register or override it explicitly. */
export const mailTranslationResource = createTranslationResource({
  ref: mailTranslationRef,
  translations: {
    'zh-CN': zhCN,
  },
});
