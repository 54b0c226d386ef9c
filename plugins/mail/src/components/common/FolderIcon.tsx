import InboxIcon from '@mui/icons-material/Inbox';
import SendIcon from '@mui/icons-material/Send';
import DraftsIcon from '@mui/icons-material/Drafts';
import DeleteIcon from '@mui/icons-material/DeleteOutline';
import ReportIcon from '@mui/icons-material/ReportGmailerrorred';
import ArchiveIcon from '@mui/icons-material/ArchiveOutlined';
import StarIcon from '@mui/icons-material/StarBorder';
import FolderIcon from '@mui/icons-material/FolderOutlined';
import type { MailboxFolder } from '../../api/types';
import type { MailMessageKey, MailTranslate } from './i18n';
import { specialKind } from './mailboxes';

const LABELS: Record<string, MailMessageKey> = {
  inbox: 'folders.inbox',
  sent: 'folders.sent',
  drafts: 'folders.drafts',
  trash: 'folders.trash',
  junk: 'folders.junk',
  archive: 'folders.archive',
  flagged: 'folders.flagged',
  all: 'folders.all',
};

/** 收件箱 / 已发送 / 草稿箱 / 已删除 / 垃圾邮件 for special-use folders, the folder's own name otherwise. */
export function folderLabel(folder: MailboxFolder, t: MailTranslate): string {
  const key = LABELS[specialKind(folder) ?? ''];
  return key ? t(key) : folder.name || folder.path;
}

export function FolderIconFor({ folder }: { folder: MailboxFolder }) {
  switch (specialKind(folder)) {
    case 'inbox':
      return <InboxIcon fontSize="small" />;
    case 'sent':
      return <SendIcon fontSize="small" />;
    case 'drafts':
      return <DraftsIcon fontSize="small" />;
    case 'trash':
      return <DeleteIcon fontSize="small" />;
    case 'junk':
      return <ReportIcon fontSize="small" />;
    case 'archive':
      return <ArchiveIcon fontSize="small" />;
    case 'flagged':
      return <StarIcon fontSize="small" />;
    default:
      return <FolderIcon fontSize="small" />;
  }
}
