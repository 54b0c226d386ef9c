import { createTranslationRef, createTranslationResource } from '@backstage/frontend-plugin-api';
import { flattenMessages } from '@cocrm/suite-react';
import { workflowMessagesEn } from './translations/en';

const zhCN = () =>
  import('./translations/zh-CN').then(m => ({
    // the nested zh-CN object is type-checked against the English shape in zh-CN.ts;
    // the flattened record cannot be, hence the cast
    default: flattenMessages(m.workflowMessagesZhCN) as never,
  }));

/**
 * All UI strings of 审批 except the flow designer's (it has its own ref).
 * English is the default object; zh-CN ships with the ref, so apps only need
 * to offer 'zh-CN' among their languages.
 */
export const workflowTranslationRef = createTranslationRef({
  id: 'workflow',
  messages: workflowMessagesEn,
  translations: {
    'zh-CN': zhCN,
  },
});

/** The same zh-CN messages as a resource, for apps that register or override it explicitly. */
export const workflowTranslationResource = createTranslationResource({
  ref: workflowTranslationRef,
  translations: {
    'zh-CN': zhCN,
  },
});
