import type { suiteMessagesEn } from './en';

type SameShape<T> = { [K in keyof T]: T[K] extends string ? string : SameShape<T[K]> };

/** 简体中文界面文字（与 en.ts 结构一致，缺项会在类型检查时报错）。 */
export const suiteMessagesZhCN: SameShape<typeof suiteMessagesEn> = {
  meta: {
    locale: 'zh-CN',
  },
  states: {
    loading: '加载中…',
    loadFailed: '数据加载失败',
    notFound: '未找到',
    retry: '重试',
  },
  alerts: {
    reload: '重新加载',
    staleTitle: '该记录已被他人修改',
    staleHint: '请重新加载查看最新内容，然后再次修改。',
  },
  pickers: {
    noOptions: '无匹配项',
    /** between the departments an option lists */
    listSeparator: '、',
  },
  confirm: {
    cancel: '取消',
  },
};
