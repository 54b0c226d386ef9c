import { forwardRef, Ref, useEffect, useRef, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import Skeleton from '@mui/material/Skeleton';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import AttachFileIcon from '@mui/icons-material/AttachFile';
import ChevronLeftIcon from '@mui/icons-material/ChevronLeft';
import ChevronRightIcon from '@mui/icons-material/ChevronRight';
import RefreshIcon from '@mui/icons-material/Refresh';
import SearchIcon from '@mui/icons-material/Search';
import SearchOffIcon from '@mui/icons-material/SearchOff';
import { useDebounced } from '@cocrm/suite-react';
import type { Page, ThreadSummary } from '../../api/types';
import { customerLink } from '../../routes';
import { EmptyState, ErrorState } from '../common/feedback';
import { addressLabel, formatDateTime, formatRelative } from '../common/format';
import { useMailT } from '../common/i18n';
import type { InboxState } from './useInboxState';

export function isUnread(t: ThreadSummary): boolean {
  return typeof t.unread === 'number' ? t.unread > 0 : !!t.unread;
}

/** The search box: applies 300 ms after typing stops (Enter at once) and follows the URL (back button). */
const ThreadSearch = forwardRef<HTMLInputElement, { value: string; onChange: (q: string) => void }>(
  function ThreadSearchBox(props, ref) {
    const { t } = useMailT();
    const [value, setValue] = useState(props.value);
    const debounced = useDebounced(value, 300);
    const { onChange } = props;
    useEffect(() => {
      if (debounced.trim() !== props.value) onChange(debounced);
      // eslint-disable-next-line react-hooks/exhaustive-deps
    }, [debounced]);
    useEffect(() => {
      if (props.value !== debounced.trim()) setValue(props.value);
      // eslint-disable-next-line react-hooks/exhaustive-deps
    }, [props.value]);
    return (
      <TextField
        size="small"
        type="search"
        fullWidth
        value={value}
        onChange={e => setValue(e.target.value)}
        onKeyDown={e => {
          if (e.key === 'Enter') onChange(value);
          if (e.key === 'Escape') (e.target as HTMLInputElement).blur();
        }}
        placeholder={t('list.search')}
        inputRef={ref}
        inputProps={{ 'aria-label': t('list.search'), 'data-testid': 'mail-search' }}
        InputProps={{
          startAdornment: (
            <InputAdornment position="start">
              <SearchIcon fontSize="small" />
            </InputAdornment>
          ),
        }}
      />
    );
  },
);

function ThreadRow(props: { thread: ThreadSummary; selected: boolean; cursor: boolean; onOpen: () => void }) {
  const { t } = useMailT();
  const { thread } = props;
  const unread = isUnread(thread);
  const rowRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (props.cursor) rowRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [props.cursor]);
  const people = thread.participants.map(addressLabel).filter(Boolean);
  return (
    <Box
      ref={rowRef}
      role="option"
      aria-selected={props.selected}
      tabIndex={-1}
      onClick={props.onOpen}
      data-testid={`mail-thread-${thread.threadId}`}
      data-unread={unread ? 'true' : 'false'}
      data-cursor={props.cursor ? 'true' : undefined}
      sx={{
        px: 1.5,
        py: 1,
        cursor: 'pointer',
        borderBottom: 1,
        borderColor: 'divider',
        borderLeft: 3,
        borderLeftColor: props.cursor ? 'primary.main' : 'transparent',
        bgcolor: props.selected ? 'action.selected' : undefined,
        '&:hover': { bgcolor: props.selected ? 'action.selected' : 'action.hover' },
      }}
    >
      <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 1 }}>
        {unread && (
          <Box
            component="span"
            sx={{
              width: 8,
              height: 8,
              borderRadius: '50%',
              bgcolor: 'primary.main',
              flex: '0 0 auto',
              alignSelf: 'center',
            }}
          />
        )}
        <Typography
          noWrap
          sx={{ flex: 1, minWidth: 0, fontWeight: unread ? 700 : 400 }}
          data-testid={`mail-thread-people-${thread.threadId}`}
        >
          {people.join(t('common.listSeparator')) || t('common.unknownSender')}
          {thread.messageCount > 1 && (
            <Typography component="span" variant="caption" color="text.secondary" sx={{ ml: 0.5 }}>
              ({thread.messageCount})
            </Typography>
          )}
        </Typography>
        {thread.hasAttachments && (
          <AttachFileIcon
            fontSize="inherit"
            titleAccess={t('list.attachment')}
            data-testid={`mail-thread-attachment-${thread.threadId}`}
            sx={{ color: 'text.secondary' }}
          />
        )}
        <Typography
          variant="caption"
          color={unread ? 'text.primary' : 'text.secondary'}
          sx={{ fontWeight: unread ? 700 : 400, whiteSpace: 'nowrap' }}
          title={formatDateTime(thread.lastAt)}
        >
          {formatRelative(thread.lastAt, t)}
        </Typography>
      </Box>
      <Typography noWrap variant="body2" sx={{ fontWeight: unread ? 700 : 400 }}>
        {thread.subject || t('common.noSubject')}
      </Typography>
      {thread.snippet && (
        <Typography noWrap variant="body2" color="text.secondary">
          {thread.snippet}
        </Typography>
      )}
      {thread.customers.length > 0 && (
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5, mt: 0.5 }}>
          {thread.customers.map(c => (
            <Chip
              key={c.id}
              label={c.name}
              size="small"
              variant="outlined"
              color="primary"
              component={RouterLink}
              to={customerLink(c.id)}
              clickable
              onClick={e => e.stopPropagation()}
              data-testid={`mail-thread-customer-${thread.threadId}-${c.id}`}
            />
          ))}
        </Box>
      )}
    </Box>
  );
}

function ListSkeleton() {
  return (
    <Box data-testid="mail-threads-loading" sx={{ px: 1.5 }}>
      {Array.from({ length: 8 }, (_, i) => (
        <Box key={i} sx={{ py: 1, borderBottom: 1, borderColor: 'divider' }}>
          <Skeleton width="50%" />
          <Skeleton width="85%" />
          <Skeleton width="70%" />
        </Box>
      ))}
    </Box>
  );
}

/** The middle pane: search, 未读 filter, the server-paged conversations of the folder. */
export function ThreadList(props: {
  state: InboxState;
  data: Page<ThreadSummary> | undefined;
  error: unknown;
  loading: boolean;
  onRetry: () => void;
  cursor: number;
  isInbox: boolean;
  searchRef: Ref<HTMLInputElement>;
}) {
  const { t } = useMailT();
  const { state, data } = props;
  const filtered = !!state.q || state.unread;
  const total = data?.totalCount ?? 0;
  const from = data && data.items.length ? data.page * data.pageSize + 1 : 0;
  const to = data ? data.page * data.pageSize + data.items.length : 0;

  let body;
  if (props.error && !data) body = <ErrorState error={props.error} onRetry={props.onRetry} />;
  else if (!data) body = <ListSkeleton />;
  else if (!data.items.length && filtered)
    body = (
      <EmptyState
        testId="mail-threads-no-matches"
        title={t('list.noMatches')}
        hint={t('list.noMatchesHint')}
        icon={<SearchOffIcon sx={{ fontSize: 44, color: 'text.disabled' }} />}
        action={
          <Button
            size="small"
            onClick={() => {
              state.setQuery('');
              if (state.unread) state.setUnread(false);
            }}
          >
            {t('list.clearSearch')}
          </Button>
        }
      />
    );
  else if (!data.items.length)
    body = props.isInbox ? (
      <EmptyState testId="mail-threads-empty" title={t('list.emptyInbox')} hint={t('list.emptyInboxHint')} />
    ) : (
      <EmptyState testId="mail-threads-empty" title={t('list.emptyFolder')} />
    );
  else
    body = (
      <Box role="listbox" aria-label={t('page.title')} data-testid="mail-threads">
        {data.items.map((thread, i) => (
          <ThreadRow
            key={thread.threadId}
            thread={thread}
            selected={thread.threadId === state.threadId}
            cursor={i === props.cursor}
            onOpen={() => state.openThread(thread.threadId)}
          />
        ))}
      </Box>
    );

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }}>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', p: 1, borderBottom: 1, borderColor: 'divider' }}>
        <ThreadSearch ref={props.searchRef} value={state.q} onChange={q => state.setQuery(q)} />
        <Chip
          label={t('list.unreadOnly')}
          color={state.unread ? 'primary' : 'default'}
          variant={state.unread ? 'filled' : 'outlined'}
          onClick={() => state.setUnread(!state.unread)}
          aria-pressed={state.unread}
          data-testid="mail-unread-filter"
        />
        <Tooltip title={t('common.refresh')}>
          <span>
            <IconButton size="small" onClick={props.onRetry} disabled={props.loading} aria-label={t('common.refresh')}>
              <RefreshIcon fontSize="small" />
            </IconButton>
          </span>
        </Tooltip>
      </Box>
      <Box sx={{ flex: 1, overflowY: 'auto', minHeight: 0 }}>{body}</Box>
      {data && total > 0 && (
        <Box
          sx={{
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'flex-end',
            gap: 0.5,
            px: 1,
            py: 0.5,
            borderTop: 1,
            borderColor: 'divider',
          }}
        >
          <Typography variant="caption" color="text.secondary" data-testid="mail-threads-range">
            {t('list.range', { from, to, total })}
          </Typography>
          <IconButton
            size="small"
            disabled={state.page === 0}
            onClick={() => state.setPage(state.page - 1)}
            aria-label={t('list.previousPage')}
            data-testid="mail-threads-prev"
          >
            <ChevronLeftIcon fontSize="small" />
          </IconButton>
          <IconButton
            size="small"
            disabled={to >= total}
            onClick={() => state.setPage(state.page + 1)}
            aria-label={t('list.nextPage')}
            data-testid="mail-threads-next"
          >
            <ChevronRightIcon fontSize="small" />
          </IconButton>
        </Box>
      )}
    </Box>
  );
}
