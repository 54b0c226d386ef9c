import {
  createTranslationRef,
  createTranslationResource,
} from '@backstage/frontend-plugin-api';
import { flattenMessages } from '@cocrm/suite-react';
import { crmMessagesEn } from './translations/en';

const zhCN = () =>
  import('./translations/zh-CN').then(m => ({
    // the nested zh-CN object is type-checked against the English shape in zh-CN.ts
    default: flattenMessages(m.crmMessagesZhCN) as any,
  }));

/**
 * All UI strings of the CRM plugin. English is the default object; zh-CN ships
 * with the ref, so apps only need to offer 'zh-CN' among their languages.
 */
export const crmTranslationRef = createTranslationRef({
  id: 'crm',
  messages: crmMessagesEn,
  translations: {
    'zh-CN': zhCN,
  },
});

/**
 * The same zh-CN messages as a resource, for apps that want to register it
 * explicitly (e.g. through TranslationBlueprint) or override it.
 */
export const crmTranslationResource = createTranslationResource({
  ref: crmTranslationRef,
  translations: {
    'zh-CN': zhCN,
  },
});
