import { MutableRefObject, useEffect, useMemo, useState } from 'react';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Skeleton from '@mui/material/Skeleton';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import CloseIcon from '@mui/icons-material/Close';
import { useApi } from '@backstage/frontend-plugin-api';
import { saveBlob, useLoad, useNotify } from '@cocrm/suite-react';
import { mailApiRef } from '../../api/MailClient';
import type { ComposeMode, MessageView, ThreadLink } from '../../api/types';
import { ApiErrorAlert, ErrorState } from '../common/feedback';
import { useMailT } from '../common/i18n';
import { useMailboxes } from '../common/mailboxes';
import { useStartCompose } from '../common/useStartCompose';
import { KnowledgeDialog } from './KnowledgeDialog';
import { MessageActions, MessageCard } from './MessageCard';
import { ThreadCustomers } from './ThreadCustomers';

export function isSeen(m: MessageView): boolean {
  return m.seen ?? m.flags.some(f => f.toLowerCase() === '\\seen');
}

/** What the page's keyboard shortcuts do to the open conversation (its latest message). */
export interface ThreadKeyActions {
  reply: () => void;
  replyAll: () => void;
  forward: () => void;
}

export function ThreadSkeleton() {
  return (
    <Box sx={{ p: 2 }} data-testid="mail-thread-loading">
      <Skeleton variant="text" width="60%" height={36} />
      <Skeleton variant="text" width="30%" />
      <Skeleton variant="rectangular" height={240} sx={{ mt: 2 }} />
    </Box>
  );
}

/** A conversation's subject and, when there are several, how many messages it holds. */
export function ThreadTitle(props: { subject: string | null; count: number }) {
  const { t } = useMailT();
  return (
    <>
      <Typography variant="h5" component="h2" sx={{ overflowWrap: 'anywhere' }} data-testid="mail-thread-subject">
        {props.subject || t('common.noSubject')}
      </Typography>
      {props.count > 1 && (
        <Typography variant="caption" color="text.secondary">
          {t('thread.messagesInThread', { count: props.count })}
        </Typography>
      )}
    </>
  );
}

/**
 * The reading pane: one conversation, its customers, every message (unread
 * and latest open, earlier ones collapsed), each in its sandboxed frame.
 * Opening it marks its unread messages read.
 */
export function ThreadView(props: {
  threadId: string;
  /** the mailbox being browsed: replies go out from it when the message is in it */
  accountId: string;
  returnTo: string;
  onClose: () => void;
  /** the conversation's read state or customers changed */
  onChanged: () => void;
  keyActions: MutableRefObject<ThreadKeyActions | undefined>;
}) {
  const { t } = useMailT();
  const api = useApi(mailApiRef);
  const notify = useNotify();
  const { mailboxes, reload: reloadMailboxes } = useMailboxes();
  const compose = useStartCompose();
  const { threadId, onChanged } = props;
  const data = useLoad(() => api.getThread(threadId), [api, threadId]);
  const [replaced, setReplaced] = useState<Record<string, MessageView>>({});
  const [links, setLinks] = useState<ThreadLink[] | undefined>();
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [knowledgeOf, setKnowledgeOf] = useState<MessageView>();
  const [imagesBusy, setImagesBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>();

  const thread = data.value?.threadId === threadId ? data.value : undefined;
  const messages = useMemo(() => (thread?.messages ?? []).map(m => replaced[m.id] ?? m), [thread, replaced]);
  const latest = messages[messages.length - 1];

  useEffect(() => {
    setReplaced({});
    setLinks(undefined);
    setActionError(undefined);
  }, [threadId]);

  useEffect(() => {
    if (!thread) return;
    const open = new Set(thread.messages.filter(m => !isSeen(m)).map(m => m.id));
    const last = thread.messages[thread.messages.length - 1];
    if (last) open.add(last.id);
    setExpanded(open);
    const unread = thread.messages.filter(m => !isSeen(m));
    if (!unread.length) return;
    // reading marks read; the server pushes the flag to the mailbox on its next sync
    Promise.all(unread.map(m => api.setFlags(m.id, { seen: true }))).then(
      () => {
        reloadMailboxes();
        onChanged();
      },
      () => undefined,
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [thread]);

  /** The mailbox to answer from: the one being browsed if the message is in it, else another readable one holding it. */
  const accountFor = (m: MessageView): string | undefined => {
    const readable = new Set((mailboxes ?? []).map(b => b.accountId));
    if (m.accountIds.includes(props.accountId) && readable.has(props.accountId)) return props.accountId;
    return (
      m.accountIds.find(id => readable.has(id)) ??
      (readable.has(props.accountId) ? props.accountId : mailboxes?.[0]?.accountId)
    );
  };

  const startCompose = (mode: ComposeMode) => (m: MessageView) => {
    const accountId = accountFor(m);
    if (!accountId) return;
    compose.start({ accountId, mode, sourceMessageId: m.id, returnTo: props.returnTo });
  };

  const reloadMessage = async (m: MessageView, showRemoteImages: boolean) => {
    const fresh = await api.getMessage(m.id, { showRemoteImages });
    setReplaced(r => ({ ...r, [m.id]: fresh }));
  };

  const guarded = (fn: () => Promise<void>) => {
    setActionError(undefined);
    fn().catch(e => setActionError(e));
  };

  const actions: MessageActions = {
    reply: startCompose('reply'),
    replyAll: startCompose('replyAll'),
    forward: startCompose('forward'),
    toKnowledge: m => setKnowledgeOf(m),
    markUnread: m =>
      guarded(async () => {
        await api.setFlags(m.id, { seen: false });
        notify({ message: t('thread.markedUnread') });
        reloadMailboxes();
        onChanged();
        props.onClose();
      }),
    downloadRaw: m =>
      guarded(async () => {
        const file = await api.downloadRaw(m.id);
        saveBlob(file.blob, file.filename);
      }),
    downloadAttachment: (m, index, filename) =>
      guarded(async () => {
        const file = await api.downloadAttachment(m.id, index, filename);
        saveBlob(file.blob, file.filename);
      }),
    showImages: m =>
      guarded(async () => {
        setImagesBusy(true);
        try {
          await reloadMessage(m, true);
        } finally {
          setImagesBusy(false);
        }
      }),
    trustSender: m =>
      guarded(async () => {
        const address = m.from[0]?.address;
        if (!address) return;
        setImagesBusy(true);
        try {
          await api.trustSender(address);
          // every message of that sender in this conversation shows its images now
          await Promise.all(messages.filter(x => x.from[0]?.address === address).map(x => reloadMessage(x, false)));
          notify({ message: t('thread.senderTrusted', { address }) });
        } finally {
          setImagesBusy(false);
        }
      }),
  };

  props.keyActions.current = latest
    ? {
        reply: () => actions.reply(latest),
        replyAll: () => actions.replyAll(latest),
        forward: () => actions.forward(latest),
      }
    : undefined;

  if (data.error && !thread) {
    return (
      <Box sx={{ p: 2 }}>
        <ErrorState error={data.error} onRetry={data.retry} />
      </Box>
    );
  }
  if (!thread) return <ThreadSkeleton />;

  return (
    <Box sx={{ p: 2 }} data-testid="mail-thread-view">
      <Box sx={{ display: 'flex', alignItems: 'flex-start', gap: 1, mb: 1 }}>
        <Box sx={{ flex: 1, minWidth: 0 }}>
          <ThreadTitle subject={thread.subject} count={messages.length} />
        </Box>
        <Tooltip title={`${t('thread.close')} (Esc)`}>
          <IconButton onClick={props.onClose} aria-label={t('thread.close')} data-testid="mail-thread-close">
            <CloseIcon />
          </IconButton>
        </Tooltip>
      </Box>
      <Box sx={{ mb: 2 }}>
        <ThreadCustomers
          threadId={threadId}
          links={links ?? thread.links}
          onChanged={next => {
            setLinks(next);
            onChanged();
          }}
        />
      </Box>
      {!!actionError && (
        <Box sx={{ mb: 2 }}>
          <ApiErrorAlert error={actionError} />
        </Box>
      )}
      {!!compose.error && (
        <Box sx={{ mb: 2 }}>
          <ApiErrorAlert error={compose.error} />
        </Box>
      )}
      {messages.map(m => (
        <MessageCard
          key={m.id}
          message={m}
          expanded={expanded.has(m.id)}
          onToggle={() => setExpanded(s => new Set(s).add(m.id))}
          actions={actions}
          imagesBusy={imagesBusy}
        />
      ))}
      <KnowledgeDialog message={knowledgeOf} onClose={() => setKnowledgeOf(undefined)} />
    </Box>
  );
}
