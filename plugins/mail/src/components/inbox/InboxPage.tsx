import { useEffect, useRef, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useTheme } from '@mui/material/styles';
import MailOutlineIcon from '@mui/icons-material/MailOutline';
import { useApi } from '@backstage/frontend-plugin-api';
import { useLoad } from '@cocrm/suite-react';
import { mailApiRef } from '../../api/MailClient';
import type { Page, ThreadSummary } from '../../api/types';
import { useMailLinks } from '../../routes';
import { ApiErrorAlert, EmptyState } from '../common/feedback';
import { useMailT } from '../common/i18n';
import { inboxOf, specialKind, useMailboxes } from '../common/mailboxes';
import { useStartCompose } from '../common/useStartCompose';
import { ThreadList } from './ThreadList';
import { ThreadKeyActions, ThreadView } from './ThreadView';
import { THREAD_PAGE_SIZE, useInboxState } from './useInboxState';

/** New mail is synced about every minute; the list follows at the same pace while the tab is visible. */
const REFRESH_MS = 60_000;

/** Keys typed into a field are text, not shortcuts. */
function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName.toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable;
}

/** A dialog or menu has the keys (the app's MUI class names carry a prefix, so roles it is). */
function dialogOpen(): boolean {
  return !!document.querySelector('[role="dialog"], [role="menu"]');
}

/**
 * The mail page's list and reading panes (the mailboxes pane is the shell's).
 * Keyboard: j/k next/previous, Enter open, r reply, a reply all, f forward,
 * c compose, / search, Esc close.
 */
export function InboxPage() {
  const { t } = useMailT();
  const api = useApi(mailApiRef);
  const links = useMailLinks();
  const theme = useTheme();
  const narrow = useMediaQuery(theme.breakpoints.down('md'));
  const state = useInboxState();
  const { mailboxes } = useMailboxes();
  const compose = useStartCompose();
  const searchRef = useRef<HTMLInputElement>(null);
  const keyActions = useRef<ThreadKeyActions>();
  const [cursor, setCursor] = useState(0);

  const mailbox = mailboxes?.find(m => m.accountId === state.accountId) ?? mailboxes?.[0];
  const accountId = mailbox?.accountId ?? '';
  const folder = mailbox?.folders.find(f => f.id === state.folderId) ?? inboxOf(mailbox);
  const folderId = folder?.id ?? '';
  const isInbox = !!folder && specialKind(folder) === 'inbox';

  const threads = useLoad<Page<ThreadSummary> | undefined>(
    () =>
      mailbox
        ? api.listThreads({
            accountId,
            folderId: folderId || undefined,
            q: state.q || undefined,
            unread: state.unread || undefined,
            page: state.page,
            pageSize: THREAD_PAGE_SIZE,
          })
        : Promise.resolve(undefined),
    [api, accountId, folderId, state.q, state.unread, state.page, !!mailbox],
  );
  const items = threads.value?.items ?? [];
  const { retry } = threads;

  useEffect(() => {
    const h = setInterval(() => {
      if (document.visibilityState !== 'hidden') retry();
    }, REFRESH_MS);
    return () => clearInterval(h);
  }, [retry]);

  // the cursor follows the open conversation (clicks, back button, j/k)
  useEffect(() => {
    const i = items.findIndex(x => x.threadId === state.threadId);
    if (i >= 0) setCursor(i);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.threadId, threads.value]);

  // a different list starts at its top
  useEffect(() => setCursor(0), [accountId, folderId, state.q, state.unread, state.page]);

  const handler = useRef<(e: KeyboardEvent) => void>(() => undefined);
  handler.current = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || dialogOpen()) return;
    const move = (delta: number) => {
      if (!items.length) return;
      const from = state.threadId ? items.findIndex(x => x.threadId === state.threadId) : cursor;
      const next = Math.min(items.length - 1, Math.max(0, (from < 0 ? cursor : from) + delta));
      setCursor(next);
      if (state.threadId) state.openThread(items[next].threadId, { replace: true });
    };
    const el = e.target as HTMLElement | null;
    switch (e.key) {
      case 'j':
        move(1);
        break;
      case 'k':
        move(-1);
        break;
      case 'Enter':
        // Enter on a button or link is that control's own
        if (el && ['a', 'button'].includes(el.tagName?.toLowerCase())) return;
        if (items[cursor]) state.openThread(items[cursor].threadId);
        break;
      case 'r':
        keyActions.current?.reply();
        break;
      case 'a':
        keyActions.current?.replyAll();
        break;
      case 'f':
        keyActions.current?.forward();
        break;
      case 'c':
        if (accountId) compose.start({ accountId, mode: 'new', returnTo: state.here });
        break;
      case '/':
        searchRef.current?.focus();
        break;
      case 'Escape':
        if (state.threadId) state.closeThread();
        break;
      default:
        return;
    }
    e.preventDefault();
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => handler.current(e);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (mailboxes && !mailboxes.length) {
    return (
      <EmptyState
        testId="mail-no-accounts"
        icon={<MailOutlineIcon sx={{ fontSize: 44, color: 'text.disabled' }} />}
        title={t('accounts.empty')}
        hint={t('accounts.emptyHint')}
        action={
          <Button variant="contained" component={RouterLink} to={links.accounts}>
            {t('accounts.connect')}
          </Button>
        }
      />
    );
  }

  const showList = !narrow || !state.threadId;
  const showThread = !narrow || !!state.threadId;

  return (
    <Box sx={{ display: 'flex', height: '100%', minHeight: 0 }} data-testid="mail-inbox">
      {showList && (
        <Box
          sx={{
            width: narrow ? '100%' : 380,
            flex: narrow ? 1 : '0 0 380px',
            borderRight: narrow ? 0 : 1,
            borderColor: 'divider',
            minHeight: 0,
          }}
        >
          <ThreadList
            state={state}
            data={threads.value}
            error={threads.error}
            loading={threads.loading}
            onRetry={retry}
            cursor={cursor}
            isInbox={isInbox}
            searchRef={searchRef}
          />
        </Box>
      )}
      {showThread && (
        <Box sx={{ flex: 1, minWidth: 0, overflowY: 'auto' }} data-testid="mail-reading-pane">
          {state.threadId ? (
            <ThreadView
              threadId={state.threadId}
              accountId={accountId}
              returnTo={state.here}
              onClose={state.closeThread}
              onChanged={retry}
              keyActions={keyActions}
            />
          ) : (
            <Box sx={{ p: 4 }}>
              <EmptyState
                testId="mail-no-thread"
                icon={<MailOutlineIcon sx={{ fontSize: 44, color: 'text.disabled' }} />}
                title={t('thread.empty')}
                hint={t('thread.emptyHint')}
              />
              <Typography variant="caption" color="text.secondary" component="p" sx={{ textAlign: 'center', mt: 2 }}>
                {t('list.shortcuts')}
              </Typography>
            </Box>
          )}
          {!!compose.error && (
            <Box sx={{ p: 2 }}>
              <ApiErrorAlert error={compose.error} />
            </Box>
          )}
        </Box>
      )}
    </Box>
  );
}
