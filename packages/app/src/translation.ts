import { createTranslationRef } from '@backstage/frontend-plugin-api';

const en = {
  nav: {
    crm: 'Customers',
    mail: 'Mail',
    catalog: 'Catalog',
    search: 'Search',
    notifications: 'Notifications',
    settings: 'Settings',
    switchUser: 'Switch user',
    signOut: 'Sign out',
  },
  signIn: {
    title: 'Collaborative CRM',
    chooseDemoUser: 'Choose a demo user',
    demoHint: 'Demo mode: sign in as any of the sample employees below.',
    loadFailed: 'Could not load the demo users: {{message}}',
    orgLoading: 'The organisation is still being loaded into the catalog…',
    retry: 'Retry',
    signingInAs: 'Signing in as {{name}}…',
    switchUser: 'Switch user',
    noDepartment: 'Other',
    microsoftTitle: 'Microsoft',
    microsoftMessage: 'Sign in with your Microsoft work account',
    failed: 'Sign-in failed: {{message}}',
  },
} as const;

type SameShape<T> = { [K in keyof T]: T[K] extends string ? string : SameShape<T[K]> };

const zhCN: SameShape<typeof en> = {
  nav: {
    crm: '客户管理',
    mail: '邮件',
    catalog: '目录',
    search: '搜索',
    notifications: '通知',
    settings: '设置',
    switchUser: '切换用户',
    signOut: '退出登录',
  },
  signIn: {
    title: '协同客户管理',
    chooseDemoUser: '选择演示用户',
    demoHint: '演示模式：选择下列任一示例员工登录。',
    loadFailed: '无法加载演示用户：{{message}}',
    orgLoading: '组织架构正在载入目录，请稍候…',
    retry: '重试',
    signingInAs: '正在以 {{name}} 的身份登录…',
    switchUser: '切换用户',
    noDepartment: '其他',
    microsoftTitle: 'Microsoft',
    microsoftMessage: '使用 Microsoft 工作账号登录',
    failed: '登录失败：{{message}}',
  },
};

function flatten(obj: object, prefix = '', out: Record<string, string> = {}) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out[key] = v;
    else flatten(v, key, out);
  }
  return out;
}

/** Strings of the app shell (sidebar, sign-in page). */
export const appShellTranslationRef = createTranslationRef({
  id: 'cocrm-app',
  messages: en,
  translations: {
    'zh-CN': () => Promise.resolve({ default: flatten(zhCN) as any }),
  },
});
