import { useEffect, useMemo, useState } from 'react';
import { Link as RouterLink, useParams } from 'react-router-dom';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import BusinessIcon from '@mui/icons-material/Business';
import LockOutlinedIcon from '@mui/icons-material/LockOutlined';
import { useApi } from '@backstage/frontend-plugin-api';
import { saveBlob, useLoad, useNotify } from '@cocrm/suite-react';
import { mailApiRef } from '../../api/MailClient';
import type { MessageView, RoutedFullMessage, RoutedSubjectMessage } from '../../api/types';
import { customerLink, useMailLinks } from '../../routes';
import { ApiErrorAlert, ErrorState } from '../common/feedback';
import { addressLabel, formatAddresses, formatDateTime } from '../common/format';
import { useMailT } from '../common/i18n';
import { MessageActions, MessageCard } from './MessageCard';
import { ThreadSkeleton, ThreadTitle } from './ThreadView';

/** 仅共享主题: who wrote to whom, when, about what — the mailbox shares no more. */
function SubjectOnlyRow(props: { message: RoutedSubjectMessage }) {
  const { t } = useMailT();
  const { message } = props;
  const id = message.id;
  return (
    <Paper
      variant="outlined"
      sx={{ mb: 1.5, px: 1.5, py: 1, bgcolor: 'action.hover' }}
      data-testid={`mail-routed-subject-${id}`}
    >
      <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 1, flexWrap: 'wrap' }}>
        <Typography sx={{ fontWeight: 600 }} noWrap>
          {addressLabel(message.from[0]) || t('common.unknownSender')}
        </Typography>
        <Typography variant="body2" color="text.secondary" noWrap sx={{ minWidth: 0, flex: 1 }}>
          {t('thread.toLine', { list: formatAddresses(message.to) || t('common.none') })}
        </Typography>
        <Typography variant="caption" color="text.secondary" sx={{ whiteSpace: 'nowrap' }}>
          {formatDateTime(message.receivedAt)}
        </Typography>
      </Box>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mt: 0.5 }}>
        <Typography variant="body2" sx={{ overflowWrap: 'anywhere', flex: 1, minWidth: 0 }}>
          {message.subject || t('common.noSubject')}
        </Typography>
        <Chip size="small" variant="outlined" icon={<LockOutlinedIcon />} label={t('routed.subjectOnly')} />
      </Box>
    </Paper>
  );
}

const ignore = () => undefined;

/**
 * A routed conversation opened from a customer's timeline or a contact's
 * mail: read-only, as far as the caller may see it through that customer —
 * messages shared in full in their sandboxed frames (attachments and inline
 * pictures through the customer's route), subject-only ones as a compact row.
 * Nothing here marks, answers or keeps mail: the mailbox is not the caller's.
 */
export function RoutedThreadPage() {
  const { t } = useMailT();
  const api = useApi(mailApiRef);
  const notify = useNotify();
  const mailLinks = useMailLinks();
  const { customerId = '', threadId = '' } = useParams();
  const data = useLoad(() => api.getRoutedThread(customerId, threadId), [api, customerId, threadId]);
  const [replaced, setReplaced] = useState<Record<string, RoutedFullMessage>>({});
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [imagesBusy, setImagesBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>();

  const thread = data.value?.threadId === threadId && data.value.customer.id === customerId ? data.value : undefined;
  const messages = useMemo(
    () => (thread?.messages ?? []).map(m => (m.visibility === 'full' ? replaced[m.id] ?? m : m)),
    [thread, replaced],
  );

  useEffect(() => {
    setReplaced({});
    setActionError(undefined);
  }, [customerId, threadId]);

  useEffect(() => {
    // the latest message shared in full opens; earlier ones collapse as in the reading pane
    const last = [...(thread?.messages ?? [])].reverse().find(m => m.visibility === 'full');
    setExpanded(new Set(last ? [last.id] : []));
  }, [thread]);

  /** The thread again (this time with remote images, or after trusting a sender): these messages take the new view. */
  const reloadMessages = async (ids: string[], showRemoteImages: boolean) => {
    const fresh = await api.getRoutedThread(customerId, threadId, { showRemoteImages });
    const next: Record<string, RoutedFullMessage> = {};
    for (const m of fresh.messages) if (m.visibility === 'full' && ids.includes(m.id)) next[m.id] = m;
    setReplaced(r => ({ ...r, ...next }));
  };

  const guarded = (fn: () => Promise<void>) => {
    setActionError(undefined);
    fn().catch(e => setActionError(e));
  };
  const withImagesBusy = (fn: () => Promise<void>) =>
    guarded(async () => {
      setImagesBusy(true);
      try {
        await fn();
      } finally {
        setImagesBusy(false);
      }
    });

  const actions: MessageActions = {
    // hidden by readOnly: nothing is answered, kept or flagged from here
    reply: ignore,
    replyAll: ignore,
    forward: ignore,
    toKnowledge: ignore,
    markUnread: ignore,
    downloadRaw: ignore,
    downloadAttachment: (m, index, filename) =>
      guarded(async () => {
        const file = await api.downloadRoutedAttachment(customerId, m.id, index, filename);
        saveBlob(file.blob, file.filename);
      }),
    showImages: m => withImagesBusy(() => reloadMessages([m.id], true)),
    trustSender: m =>
      withImagesBusy(async () => {
        const address = m.from[0]?.address;
        if (!address) return;
        await api.trustSender(address);
        const same = messages.filter(x => x.visibility === 'full' && x.from[0]?.address === address).map(x => x.id);
        await reloadMessages(same, false);
        notify({ message: t('thread.senderTrusted', { address }) });
      }),
  };
  const attachmentBlob = (m: MessageView, index: number) =>
    api.downloadRoutedAttachment(customerId, m.id, index, `inline-${index}`).then(f => f.blob);

  if (data.error && !thread) {
    return (
      <Box sx={{ p: 2 }}>
        <ErrorState error={data.error} onRetry={data.retry} />
      </Box>
    );
  }
  if (!thread) return <ThreadSkeleton />;

  const name = thread.customer.name || t('routed.unnamedCustomer');
  // a reader of one of the mailboxes can go on in the mailbox itself (reply, flags)
  const inMailbox = messages.some(m => m.visibility === 'full' && m.accountIds.length > 0);

  return (
    <Box sx={{ p: 2 }} data-testid="mail-routed-thread">
      <Alert
        severity="info"
        icon={<LockOutlinedIcon fontSize="small" />}
        sx={{ mb: 2, alignItems: 'center' }}
        data-testid="mail-routed-banner"
        action={
          <Box sx={{ display: 'flex', gap: 1 }}>
            {inMailbox && (
              <Button color="inherit" size="small" component={RouterLink} to={mailLinks.thread(thread.threadId)}>
                {t('routed.openInMailbox')}
              </Button>
            )}
            <Button
              color="inherit"
              size="small"
              startIcon={<BusinessIcon />}
              component={RouterLink}
              to={customerLink(thread.customer.id)}
              data-testid="mail-routed-customer"
            >
              {t('routed.openCustomer')}
            </Button>
          </Box>
        }
      >
        <Typography variant="body2" sx={{ fontWeight: 600 }}>
          {t('routed.banner', { name })}
        </Typography>
        <Typography variant="caption" color="text.secondary">
          {t('routed.hint')}
        </Typography>
      </Alert>
      <Box sx={{ mb: 1 }}>
        <ThreadTitle subject={thread.subject} count={messages.length} />
      </Box>
      {!!actionError && (
        <Box sx={{ mb: 2 }}>
          <ApiErrorAlert error={actionError} />
        </Box>
      )}
      {messages.map(m =>
        m.visibility === 'full' ? (
          <MessageCard
            key={m.id}
            message={m}
            expanded={expanded.has(m.id)}
            onToggle={() => setExpanded(s => new Set(s).add(m.id))}
            actions={actions}
            imagesBusy={imagesBusy}
            readOnly
            attachmentBlob={attachmentBlob}
          />
        ) : (
          <SubjectOnlyRow key={m.id} message={m} />
        ),
      )}
    </Box>
  );
}
