import { createTranslationRef, createTranslationResource } from '@backstage/frontend-plugin-api';
import { accessMessagesEn } from './translations/en';

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
