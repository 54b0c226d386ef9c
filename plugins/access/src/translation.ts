import { createTranslationRef, createTranslationResource } from '@backstage/frontend-plugin-api';
import { flattenMessages } from '@cocrm/suite-react';
import { accessMessagesEn } from './translations/en';

const zhCN = () =>
  import('./translations/zh-CN').then(m => ({
    // the nested zh-CN object is type-checked against the English shape in zh-CN.ts;
    // the flattened record cannot be, hence the cast
    default: flattenMessages(m.accessMessagesZhCN) as never,
  }));

/**
 * All UI strings of 系统设置. English is the default object; zh-CN ships
 * with the ref, so apps only need to offer 'zh-CN' among their languages.
 */
export const accessTranslationRef = createTranslationRef({
  id: 'access',
  messages: accessMessagesEn,
  translations: {
    'zh-CN': zhCN,
  },
});

/**
 * The same zh-CN messages as a resource, for apps that want to register it
 * explicitly (e.g. through TranslationBlueprint) or override it.
 */
export const accessTranslationResource = createTranslationResource({
  ref: accessTranslationRef,
  translations: {
    'zh-CN': zhCN,
  },
});
