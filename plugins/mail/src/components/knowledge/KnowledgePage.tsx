import { useState } from 'react';
import { Link as RouterLink, useNavigate, useParams } from 'react-router-dom';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import AttachFileIcon from '@mui/icons-material/AttachFile';
import DeleteOutlineIcon from '@mui/icons-material/DeleteOutline';
import MenuBookIcon from '@mui/icons-material/MenuBook';
import { useApi } from '@backstage/frontend-plugin-api';
import { saveBlob, SearchBox, useLoad, useNotify, useUrlListState } from '@cocrm/suite-react';
import { mailApiRef } from '../../api/MailClient';
import type { KnowledgeItem, KnowledgeItemSummary, MailAddress } from '../../api/types';
import { useMailLinks } from '../../routes';
import { ApiErrorAlert, ConfirmDialog, EmptyState, ErrorState, LoadingState } from '../common/feedback';
import { addressLabel, formatAddress, formatDateTime, formatSize } from '../common/format';
import { useMailT } from '../common/i18n';
import { Pager } from '../common/Pager';
import { useInlineImages } from '../inbox/inlineImages';
import { MessageFrame } from '../inbox/MessageFrame';

function sender(from: KnowledgeItem['from']): MailAddress | undefined {
  if (!from) return undefined;
  return Array.isArray(from) ? from[0] : from;
}

function AttachmentChips(props: { item: KnowledgeItemSummary }) {
  const api = useApi(mailApiRef);
  const [error, setError] = useState<unknown>();
  const { item } = props;
  if (!item.attachments.length) return null;
  return (
    <Box>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5 }}>
        {item.attachments.map(a => {
          const name = a.filename || `attachment-${a.index}`;
          return (
            <Chip
              key={a.index}
              size="small"
              icon={<AttachFileIcon />}
              variant="outlined"
              label={`${name} · ${formatSize(a.size)}`}
              clickable
              onClick={async () => {
                setError(undefined);
                try {
                  const file = await api.downloadKnowledgeAttachment(item.id, a.index, name);
                  saveBlob(file.blob, file.filename);
                } catch (e) {
                  setError(e);
                }
              }}
              data-testid={`mail-knowledge-attachment-${item.id}-${a.index}`}
            />
          );
        })}
      </Box>
      {!!error && (
        <Box sx={{ mt: 1 }}>
          <ApiErrorAlert error={error} />
        </Box>
      )}
    </Box>
  );
}

/** 知识: mail saved as knowledge, searchable and paged by the server. */
export function KnowledgeListPage() {
  const { t } = useMailT();
  const api = useApi(mailApiRef);
  const links = useMailLinks();
  const list = useUrlListState({ sort: 'createdAt', order: 'desc', pageSize: 25 });
  const q = list.get('q');
  const data = useLoad(
    () => api.listKnowledge({ page: list.page, pageSize: list.pageSize, q: q || undefined }),
    [api, list.page, list.pageSize, q],
  );
  const items = data.value?.items ?? [];

  let body;
  if (data.error && !data.value) body = <ErrorState error={data.error} onRetry={data.retry} />;
  else if (!data.value) body = <LoadingState />;
  else if (!items.length)
    body = (
      <EmptyState
        testId="mail-knowledge-empty"
        icon={<MenuBookIcon sx={{ fontSize: 44, color: 'text.disabled' }} />}
        title={q ? t('list.noMatches') : t('knowledge.empty')}
        hint={q ? undefined : t('knowledge.emptyHint')}
      />
    );
  else
    body = (
      <Paper variant="outlined">
        <TableContainer>
          <Table size="small" data-testid="mail-knowledge-table">
            <TableHead>
              <TableRow>
                <TableCell>{t('knowledge.itemTitle')}</TableCell>
                <TableCell>{t('knowledge.source')}</TableCell>
                <TableCell>{t('knowledge.savedAt')}</TableCell>
                <TableCell>{t('knowledge.attachments')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {items.map(item => {
                const from = sender(item.from);
                return (
                  <TableRow key={item.id} hover data-testid={`mail-knowledge-${item.id}`}>
                    <TableCell sx={{ maxWidth: 360 }}>
                      <Link component={RouterLink} to={links.knowledgeItem(item.id)}>
                        {item.title || item.subject || t('common.noSubject')}
                      </Link>
                    </TableCell>
                    <TableCell sx={{ maxWidth: 280 }}>
                      <Typography variant="body2" noWrap>
                        {addressLabel(from)}
                        {item.receivedAt ? ` · ${formatDateTime(item.receivedAt)}` : ''}
                      </Typography>
                    </TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(item.createdAt)}</TableCell>
                    <TableCell>
                      <AttachmentChips item={item} />
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </TableContainer>
        <Pager list={list} totalCount={data.value.totalCount} />
      </Paper>
    );

  return (
    <Box sx={{ p: { xs: 1, md: 2 } }} data-testid="mail-knowledge-page">
      <Typography variant="h5" component="h1">
        {t('knowledge.title')}
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 2 }}>
        {t('knowledge.subtitle')}
      </Typography>
      <Box sx={{ mb: 2, maxWidth: 480 }}>
        <SearchBox list={list} placeholder={t('knowledge.search')} testId="mail-knowledge-search" />
      </Box>
      {body}
    </Box>
  );
}

/** One knowledge item: title, note, where it came from, the mail itself and its attachments. */
export function KnowledgeItemPage() {
  const { t } = useMailT();
  const api = useApi(mailApiRef);
  const links = useMailLinks();
  const navigate = useNavigate();
  const notify = useNotify();
  const { id = '' } = useParams<{ id: string }>();
  const [showImages, setShowImages] = useState(false);
  const data = useLoad(() => api.getKnowledge(id, { showRemoteImages: showImages }), [api, id, showImages]);
  const [deleting, setDeleting] = useState(false);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>();
  const item = data.value?.id === id ? data.value : undefined;
  const html = useInlineImages(`${id}:${showImages}`, item?.html ?? null, item?.attachments ?? [], index =>
    api.downloadKnowledgeAttachment(id, index, `inline-${index}`).then(f => f.blob),
  );

  const remove = async () => {
    setDeleteBusy(true);
    setDeleteError(undefined);
    try {
      await api.deleteKnowledge(id);
      notify({ message: t('knowledge.deleted') });
      navigate(links.knowledge);
    } catch (e) {
      setDeleteError(e);
    } finally {
      setDeleteBusy(false);
    }
  };

  if (data.error && !item) return <ErrorState error={data.error} onRetry={data.retry} />;
  if (!item) return <LoadingState />;
  const from = sender(item.from);

  return (
    <Box sx={{ p: { xs: 1, md: 2 }, maxWidth: 1000 }} data-testid="mail-knowledge-item">
      <Box sx={{ display: 'flex', justifyContent: 'space-between', mb: 1 }}>
        <Button component={RouterLink} to={links.knowledge} startIcon={<ArrowBackIcon />} size="small">
          {t('knowledge.back')}
        </Button>
        <Button
          size="small"
          color="error"
          startIcon={<DeleteOutlineIcon />}
          onClick={() => {
            setDeleteError(undefined);
            setDeleting(true);
          }}
          data-testid="mail-knowledge-delete"
        >
          {t('knowledge.delete')}
        </Button>
      </Box>
      <Typography variant="h5" component="h1" gutterBottom>
        {item.title || item.subject || t('common.noSubject')}
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {t('knowledge.sourceLine', {
          source: `${from ? formatAddress(from) : t('common.unknownSender')}${
            item.receivedAt ? ` · ${formatDateTime(item.receivedAt)}` : ''
          }`,
        })}
      </Typography>
      <Typography variant="body2" color="text.secondary" gutterBottom>
        {t('knowledge.savedAtLine', { time: formatDateTime(item.createdAt) })}
      </Typography>
      {item.note && (
        <Paper variant="outlined" sx={{ p: 1.5, my: 2, whiteSpace: 'pre-wrap' }}>
          {item.note}
        </Paper>
      )}
      <Box sx={{ my: 2 }}>
        <AttachmentChips item={item} />
      </Box>
      {item.remoteImagesBlocked > 0 && (
        <Alert
          severity="info"
          sx={{ mb: 1 }}
          data-testid="mail-knowledge-remote-images"
          action={
            <Button color="inherit" size="small" onClick={() => setShowImages(true)}>
              {t('thread.showImages')}
            </Button>
          }
        >
          {t('thread.remoteBlocked')}
        </Alert>
      )}
      <Paper variant="outlined" sx={{ p: 1.5 }}>
        {html ? (
          <MessageFrame
            html={html}
            title={item.title}
            remoteImages={item.remoteImagesBlocked === 0}
            testId="mail-knowledge-frame"
          />
        ) : (
          <Typography component="div" variant="body2" sx={{ whiteSpace: 'pre-wrap' }}>
            {item.text}
          </Typography>
        )}
      </Paper>
      <ConfirmDialog
        open={deleting}
        title={t('knowledge.deleteTitle')}
        text={item.title}
        confirmLabel={t('knowledge.delete')}
        busy={deleteBusy}
        error={deleteError}
        onConfirm={remove}
        onClose={() => setDeleting(false)}
        testId="mail-knowledge-delete-confirm"
      />
    </Box>
  );
}
