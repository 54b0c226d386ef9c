import { MouseEvent, useState } from 'react';
import Alert from '@mui/material/Alert';
import Avatar from '@mui/material/Avatar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import Link from '@mui/material/Link';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import ListItemIcon from '@mui/material/ListItemIcon';
import Paper from '@mui/material/Paper';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import AttachFileIcon from '@mui/icons-material/AttachFile';
import DownloadIcon from '@mui/icons-material/Download';
import ForwardIcon from '@mui/icons-material/Forward';
import MarkEmailUnreadIcon from '@mui/icons-material/MarkEmailUnread';
import MenuBookIcon from '@mui/icons-material/MenuBook';
import MoreVertIcon from '@mui/icons-material/MoreVert';
import ReplyAllIcon from '@mui/icons-material/ReplyAll';
import ReplyIcon from '@mui/icons-material/Reply';
import ImageNotSupportedIcon from '@mui/icons-material/ImageNotSupportedOutlined';
import type { MessageView } from '../../api/types';
import { addressLabel, formatAddresses, formatDateTime, formatRelative, formatSize } from '../common/format';
import { useMailT } from '../common/i18n';
import { useMessageInlineImages } from './inlineImages';
import { MessageFrame } from './MessageFrame';

export interface MessageActions {
  reply: (m: MessageView) => void;
  replyAll: (m: MessageView) => void;
  forward: (m: MessageView) => void;
  toKnowledge: (m: MessageView) => void;
  markUnread: (m: MessageView) => void;
  downloadRaw: (m: MessageView) => void;
  downloadAttachment: (m: MessageView, index: number, filename: string) => void;
  showImages: (m: MessageView) => void;
  trustSender: (m: MessageView) => void;
}

function initial(name: string): string {
  const s = name.trim();
  return s ? Array.from(s)[0].toUpperCase() : '?';
}

/** 已阻止远程图片 · 显示图片 · 始终信任此发件人 */
function RemoteImagesBar(props: { message: MessageView; actions: MessageActions; busy: boolean }) {
  const { t } = useMailT();
  const { message } = props;
  const sender = message.from[0]?.address;
  return (
    <Alert
      severity="info"
      icon={<ImageNotSupportedIcon fontSize="small" />}
      sx={{ mb: 1, py: 0, alignItems: 'center' }}
      data-testid={`mail-remote-images-${message.id}`}
    >
      <Box sx={{ display: 'flex', alignItems: 'center', flexWrap: 'wrap', columnGap: 1 }}>
        <span>{t('thread.remoteBlocked')}</span>
        <span aria-hidden>·</span>
        <Link
          component="button"
          type="button"
          disabled={props.busy}
          onClick={() => props.actions.showImages(message)}
          data-testid={`mail-show-images-${message.id}`}
        >
          {t('thread.showImages')}
        </Link>
        {sender && (
          <>
            <span aria-hidden>·</span>
            <Link
              component="button"
              type="button"
              disabled={props.busy}
              onClick={() => props.actions.trustSender(message)}
              data-testid={`mail-trust-sender-${message.id}`}
            >
              {t('thread.trustSender')}
            </Link>
          </>
        )}
      </Box>
    </Alert>
  );
}

function MessageBody(props: {
  message: MessageView;
  actions: MessageActions;
  imagesBusy: boolean;
  attachmentBlob?: (m: MessageView, index: number) => Promise<Blob>;
}) {
  const { t } = useMailT();
  const { message, attachmentBlob } = props;
  const html = useMessageInlineImages(message, attachmentBlob && (index => attachmentBlob(message, index)));
  const sender = addressLabel(message.from[0]) || t('common.unknownSender');
  return (
    <Box>
      {message.parseStatus === 'failed' && (
        <Alert severity="error" sx={{ mb: 1 }} data-testid={`mail-parse-failed-${message.id}`}>
          {t('thread.parseFailed', { reason: message.parseError ?? '' })}
        </Alert>
      )}
      {message.parseStatus === 'pending' && (
        <Alert severity="info" sx={{ mb: 1 }}>
          {t('thread.parsePending')}
        </Alert>
      )}
      {html ? (
        <>
          {message.remoteImagesBlocked > 0 && (
            <RemoteImagesBar message={message} actions={props.actions} busy={props.imagesBusy} />
          )}
          <MessageFrame
            html={html}
            remoteImages={message.remoteImagesBlocked === 0}
            title={t('thread.frameTitle', { sender })}
            testId={`mail-message-frame-${message.id}`}
          />
        </>
      ) : (
        message.text && (
          <Typography
            component="div"
            variant="body2"
            sx={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontFamily: 'inherit' }}
            data-testid={`mail-message-text-${message.id}`}
          >
            {message.text}
          </Typography>
        )
      )}
    </Box>
  );
}

/** One message of a conversation: its header, body (sandboxed), attachments and actions; earlier ones collapse. */
export function MessageCard(props: {
  message: MessageView;
  expanded: boolean;
  onToggle: () => void;
  actions: MessageActions;
  imagesBusy: boolean;
  /** no reply, forward, knowledge, flags or raw download: a thread read through a customer, not from a mailbox */
  readOnly?: boolean;
  /** the bytes of an attachment (inline pictures), when not from the webmail's own route */
  attachmentBlob?: (m: MessageView, index: number) => Promise<Blob>;
}) {
  const { t } = useMailT();
  const { message, actions } = props;
  const [menu, setMenu] = useState<HTMLElement | null>(null);
  const from = message.from[0];
  const fromName = addressLabel(from) || t('common.unknownSender');
  const attachments = message.attachments.filter(a => !a.inline);
  const act = (fn: (m: MessageView) => void) => () => {
    setMenu(null);
    fn(message);
  };
  const id = message.id;

  return (
    <Paper variant="outlined" sx={{ mb: 1.5 }} data-testid={`mail-message-${id}`}>
      <Box
        sx={{ display: 'flex', gap: 1.5, p: 1.5, cursor: props.expanded ? undefined : 'pointer' }}
        onClick={props.expanded ? undefined : props.onToggle}
      >
        <Avatar sx={{ width: 36, height: 36, fontSize: 16 }}>{initial(fromName)}</Avatar>
        <Box sx={{ flex: 1, minWidth: 0 }}>
          <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 1 }}>
            <Typography sx={{ fontWeight: 600 }} noWrap data-testid={`mail-message-from-${id}`}>
              {fromName}
            </Typography>
            {from?.name && (
              <Typography variant="body2" color="text.secondary" noWrap>
                &lt;{from.address}&gt;
              </Typography>
            )}
            <Box sx={{ flex: 1 }} />
            <Typography
              variant="caption"
              color="text.secondary"
              sx={{ whiteSpace: 'nowrap' }}
              title={formatDateTime(message.receivedAt)}
            >
              {formatDateTime(message.receivedAt)} ({formatRelative(message.receivedAt, t)})
            </Typography>
          </Box>
          {props.expanded ? (
            <Box sx={{ color: 'text.secondary' }} data-testid={`mail-message-header-${id}`}>
              <Typography variant="body2" noWrap title={formatAddresses(message.to)}>
                {t('thread.toLine', { list: formatAddresses(message.to) || t('common.none') })}
              </Typography>
              {message.cc.length > 0 && (
                <Typography variant="body2" noWrap title={formatAddresses(message.cc)}>
                  {t('thread.ccLine', { list: formatAddresses(message.cc) })}
                </Typography>
              )}
            </Box>
          ) : (
            <Typography variant="body2" color="text.secondary" noWrap>
              {(message.text ?? '').slice(0, 200) || t('thread.collapsed')}
            </Typography>
          )}
        </Box>
        {props.expanded && !props.readOnly && (
          <Box sx={{ display: 'flex', alignItems: 'flex-start' }} onClick={e => e.stopPropagation()}>
            <Tooltip title={t('thread.reply')}>
              <IconButton
                size="small"
                onClick={act(actions.reply)}
                data-testid={`mail-reply-${id}`}
                aria-label={t('thread.reply')}
              >
                <ReplyIcon fontSize="small" />
              </IconButton>
            </Tooltip>
            <Tooltip title={t('thread.replyAll')}>
              <IconButton
                size="small"
                onClick={act(actions.replyAll)}
                data-testid={`mail-reply-all-${id}`}
                aria-label={t('thread.replyAll')}
              >
                <ReplyAllIcon fontSize="small" />
              </IconButton>
            </Tooltip>
            <Tooltip title={t('thread.forward')}>
              <IconButton
                size="small"
                onClick={act(actions.forward)}
                data-testid={`mail-forward-${id}`}
                aria-label={t('thread.forward')}
              >
                <ForwardIcon fontSize="small" />
              </IconButton>
            </Tooltip>
            <IconButton
              size="small"
              onClick={e => setMenu(e.currentTarget)}
              aria-label={t('common.actions')}
              data-testid={`mail-message-menu-${id}`}
            >
              <MoreVertIcon fontSize="small" />
            </IconButton>
            <Menu anchorEl={menu} open={!!menu} onClose={() => setMenu(null)}>
              <MenuItem onClick={act(actions.toKnowledge)} data-testid={`mail-knowledge-${id}`}>
                <ListItemIcon>
                  <MenuBookIcon fontSize="small" />
                </ListItemIcon>
                {t('thread.toKnowledge')}
              </MenuItem>
              <MenuItem onClick={act(actions.markUnread)} data-testid={`mail-mark-unread-${id}`}>
                <ListItemIcon>
                  <MarkEmailUnreadIcon fontSize="small" />
                </ListItemIcon>
                {t('thread.markUnread')}
              </MenuItem>
              <MenuItem onClick={act(actions.downloadRaw)} data-testid={`mail-download-raw-${id}`}>
                <ListItemIcon>
                  <DownloadIcon fontSize="small" />
                </ListItemIcon>
                {t('thread.downloadRaw')}
              </MenuItem>
            </Menu>
          </Box>
        )}
      </Box>
      {props.expanded && (
        <Box sx={{ px: 1.5, pb: 1.5 }}>
          <MessageBody
            message={message}
            actions={actions}
            imagesBusy={props.imagesBusy}
            attachmentBlob={props.attachmentBlob}
          />
          {attachments.length > 0 && (
            <Box sx={{ mt: 1.5 }} data-testid={`mail-attachments-${id}`}>
              <Typography variant="caption" color="text.secondary" component="div" sx={{ mb: 0.5 }}>
                {t('thread.attachments')}
              </Typography>
              <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1 }}>
                {attachments.map(a => {
                  const name = a.filename || `attachment-${a.index}`;
                  return (
                    <Chip
                      key={a.index}
                      icon={<AttachFileIcon />}
                      variant="outlined"
                      label={`${name} · ${formatSize(a.size)}`}
                      component="a"
                      href={a.url}
                      clickable
                      onClick={(e: MouseEvent) => {
                        // the link alone would go without the Backstage token
                        e.preventDefault();
                        actions.downloadAttachment(message, a.index, name);
                      }}
                      data-testid={`mail-attachment-${id}-${a.index}`}
                    />
                  );
                })}
              </Box>
            </Box>
          )}
          {!props.readOnly && (
            <Box sx={{ display: 'flex', gap: 1, mt: 1.5, flexWrap: 'wrap' }}>
              <Button size="small" variant="outlined" startIcon={<ReplyIcon />} onClick={act(actions.reply)}>
                {t('thread.reply')}
              </Button>
              <Button size="small" variant="outlined" startIcon={<ReplyAllIcon />} onClick={act(actions.replyAll)}>
                {t('thread.replyAll')}
              </Button>
              <Button size="small" variant="outlined" startIcon={<ForwardIcon />} onClick={act(actions.forward)}>
                {t('thread.forward')}
              </Button>
            </Box>
          )}
        </Box>
      )}
    </Paper>
  );
}
