import { createContext, ReactNode, useContext, useEffect, useMemo } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { useLoad } from '@cocrm/suite-react';
import { mailApiRef } from '../../api/MailClient';
import type { Mailbox, MailboxFolder } from '../../api/types';

interface MailboxesContext {
  mailboxes: Mailbox[] | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

const Context = createContext<MailboxesContext>({
  mailboxes: undefined,
  error: undefined,
  loading: true,
  reload: () => undefined,
});

/** Folder counts go stale as mail arrives elsewhere; a minute matches how often mail is synced. */
const REFRESH_MS = 60_000;

/** The caller's mailboxes and folders (with unread counts), loaded once for every view of the page. */
export function MailboxesProvider({ children }: { children: ReactNode }) {
  const api = useApi(mailApiRef);
  const data = useLoad(() => api.listMailboxes().then(r => r.items), [api]);
  const { retry } = data;
  useEffect(() => {
    const h = setInterval(() => {
      if (typeof document === 'undefined' || document.visibilityState !== 'hidden') retry();
    }, REFRESH_MS);
    return () => clearInterval(h);
  }, [retry]);
  const value = useMemo(
    () => ({ mailboxes: data.value, error: data.error, loading: data.loading, reload: retry }),
    [data.value, data.error, data.loading, retry],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useMailboxes() {
  return useContext(Context);
}

const SPECIAL_ORDER = ['inbox', 'drafts', 'sent', 'junk', 'trash', 'archive'];

/** The kind of a special-use folder ("inbox", "sent" …) from its flag, or from INBOX's fixed name. */
export function specialKind(folder: Pick<MailboxFolder, 'specialUse' | 'path'>): string | undefined {
  const flag = (folder.specialUse ?? '').replace(/^\\/, '').toLowerCase();
  if (flag) return flag;
  if (folder.path.toUpperCase() === 'INBOX') return 'inbox';
  return undefined;
}

/** Special folders first (收件箱, 草稿箱, 已发送, 垃圾邮件, 已删除), then the others by path. */
export function sortFolders(folders: MailboxFolder[]): MailboxFolder[] {
  const rank = (f: MailboxFolder) => {
    const i = SPECIAL_ORDER.indexOf(specialKind(f) ?? '');
    return i < 0 ? SPECIAL_ORDER.length : i;
  };
  return [...folders].sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path, 'zh-CN'));
}

export function inboxOf(mailbox: Mailbox | undefined): MailboxFolder | undefined {
  return mailbox?.folders.find(f => specialKind(f) === 'inbox') ?? mailbox?.folders[0];
}
