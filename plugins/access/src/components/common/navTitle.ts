import { useAccessT } from './i18n';

/**
 * The page title in the UI language, for the app's sidebar: the page
 * extension's own title is a fixed string (系统设置).
 */
export function useAccessNavTitle(): string {
  return useAccessT().t('page.title');
}
