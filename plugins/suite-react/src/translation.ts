import { createTranslationRef } from '@backstage/frontend-plugin-api';
import { suiteMessagesEn } from './translations/en';

type Nested = { [key: string]: string | Nested };

/** "a.b.c" keys, as Backstage's translation refs expect in translations. */
export function flattenMessages(
  messages: Nested,
  prefix = '',
  out: Record<string, string> = {},
): Record<string, string> {
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out[path] = value;
    else flattenMessages(value, path, out);
  }
  return out;
}

const zhCN = () =>
  import('./translations/zh-CN').then(m => ({
    // the nested zh-CN object is type-checked against the English shape in zh-CN.ts;
    // the flattened record cannot be, hence the cast
    default: flattenMessages(m.suiteMessagesZhCN) as never,
  }));

/**
 * The few texts the shared building blocks show themselves (loading, retry …),
 * so they need no plugin's messages. zh-CN ships with the ref, so apps only
 * need to offer 'zh-CN' among their languages.
 */
export const suiteTranslationRef = createTranslationRef({
  id: 'suite',
  messages: suiteMessagesEn,
  translations: {
    'zh-CN': zhCN,
  },
});
