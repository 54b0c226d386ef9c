import { useCallback, useMemo } from 'react';
import { useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useMailLinks } from '../../routes';

export const THREAD_PAGE_SIZE = 50;

/**
 * The inbox's state lives in the URL, so a reload, a shared link or the back
 * button show the same view: `?account&folder&q&unread&page` for the list,
 * `/threads/:threadId` for the conversation being read.
 */
export function useInboxState() {
  const [params] = useSearchParams();
  const { threadId } = useParams<{ threadId?: string }>();
  const navigate = useNavigate();
  const location = useLocation();
  const links = useMailLinks();

  const state = useMemo(
    () => ({
      accountId: params.get('account') ?? '',
      folderId: params.get('folder') ?? '',
      q: params.get('q') ?? '',
      unread: params.get('unread') === '1',
      page: Math.max(0, Number(params.get('page') ?? 0) || 0),
      threadId: threadId ?? '',
    }),
    [params, threadId],
  );

  const search = useCallback(
    (changes: Record<string, string | number | null>, keepPage = false) => {
      const next = new URLSearchParams(params);
      for (const [k, v] of Object.entries(changes)) {
        if (v === null || v === '' || v === 0) next.delete(k);
        else next.set(k, String(v));
      }
      if (!keepPage && !('page' in changes)) next.delete('page');
      const s = next.toString();
      return s ? `?${s}` : '';
    },
    [params],
  );

  const listPath = links.inbox;

  return {
    ...state,
    /** another folder: a fresh list (no search, first page), the reading pane closed */
    selectFolder: (accountId: string, folderId: string) =>
      navigate(`${listPath}${search({ account: accountId, folder: folderId, q: null, unread: null })}`),
    setQuery: (q: string) =>
      navigate(`${state.threadId ? links.thread(state.threadId) : listPath}${search({ q: q.trim() || null })}`, {
        replace: true,
      }),
    setUnread: (unread: boolean) =>
      navigate(
        `${state.threadId ? links.thread(state.threadId) : listPath}${search({ unread: unread ? '1' : null })}`,
        {
          replace: true,
        },
      ),
    setPage: (page: number) =>
      navigate(`${state.threadId ? links.thread(state.threadId) : listPath}${search({ page: page || null })}`),
    /** opens a conversation; moving through the list with j/k replaces rather than piles up history */
    openThread: (id: string, options: { replace?: boolean } = {}) =>
      navigate(`${links.thread(id)}${search({}, true)}`, { replace: options.replace }),
    closeThread: () => navigate(`${listPath}${search({}, true)}`),
    /** where compose returns to */
    here: `${location.pathname}${location.search}`,
  };
}

export type InboxState = ReturnType<typeof useInboxState>;
