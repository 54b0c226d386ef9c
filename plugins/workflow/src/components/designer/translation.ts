import { createTranslationRef } from '@backstage/frontend-plugin-api';
import { flattenMessages } from '@cocrm/suite-react';
import { designerMessagesEn } from './messages.en';

const zhCN = () =>
  import('./messages.zh-CN').then(m => ({
    // the nested zh-CN object is type-checked against the English shape in messages.zh-CN.ts;
    // the flattened record cannot be, hence the cast
    default: flattenMessages(m.designerMessagesZhCN) as never,
  }));

/** The flow designer's own texts, apart from the workflow plugin's main catalog; zh-CN ships with the ref. */
export const designerTranslationRef = createTranslationRef({
  id: 'workflow-designer',
  messages: designerMessagesEn,
  translations: {
    'zh-CN': zhCN,
  },
});
