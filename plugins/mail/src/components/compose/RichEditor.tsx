import { ClipboardEvent, ReactNode, useEffect, useRef } from 'react';
import Box from '@mui/material/Box';
import Divider from '@mui/material/Divider';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import FormatBoldIcon from '@mui/icons-material/FormatBold';
import FormatClearIcon from '@mui/icons-material/FormatClear';
import FormatItalicIcon from '@mui/icons-material/FormatItalic';
import FormatListBulletedIcon from '@mui/icons-material/FormatListBulleted';
import FormatListNumberedIcon from '@mui/icons-material/FormatListNumbered';
import FormatQuoteIcon from '@mui/icons-material/FormatQuote';
import FormatUnderlinedIcon from '@mui/icons-material/FormatUnderlined';
import LinkIcon from '@mui/icons-material/Link';
import { useMailT } from '../common/i18n';
import { cleanHtml, escapeHtml, safeHref, textToHtml } from './html';

function exec(command: string, value?: string): void {
  // execCommand is what contentEditable offers for formatting (undo-aware); absent in some test DOMs
  if (typeof document.execCommand === 'function') document.execCommand(command, false, value);
}

function ToolButton(props: { label: string; onClick: () => void; children: ReactNode; testId: string }) {
  return (
    <Tooltip title={props.label}>
      <IconButton
        size="small"
        aria-label={props.label}
        data-testid={props.testId}
        // keep the selection in the editor
        onMouseDown={e => e.preventDefault()}
        onClick={props.onClick}
      >
        {props.children}
      </IconButton>
    </Tooltip>
  );
}

/**
 * A minimal rich text editor: bold, italic, underline, lists, links, quote.
 * Its HTML is set once per `resetKey` (a loaded draft) and reported on every
 * edit, reduced to the allowed elements; pasted content is reduced the same way.
 */
export function RichEditor(props: {
  initialHtml: string;
  resetKey: string;
  onChange: (html: string) => void;
  label: string;
  disabled?: boolean;
}) {
  const { t } = useMailT();
  const ref = useRef<HTMLDivElement>(null);
  const { onChange } = props;

  useEffect(() => {
    if (ref.current) ref.current.innerHTML = cleanHtml(props.initialHtml);
    // only a new draft replaces what the user is typing
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.resetKey]);

  const report = () => {
    if (ref.current) onChange(cleanHtml(ref.current.innerHTML));
  };
  const run = (command: string, value?: string) => {
    ref.current?.focus();
    exec(command, value);
    report();
  };

  const onPaste = (e: ClipboardEvent<HTMLDivElement>) => {
    const html = e.clipboardData.getData('text/html');
    const text = e.clipboardData.getData('text/plain');
    e.preventDefault();
    exec('insertHTML', html ? cleanHtml(html) : textToHtml(text));
    report();
  };

  const insertLink = () => {
    const selection = window.getSelection();
    const selected = selection?.toString() ?? '';
    // eslint-disable-next-line no-alert -- a one-field prompt is what the small editor needs
    const href = safeHref(window.prompt(t('compose.linkPrompt'), 'https://'));
    if (!href) return;
    if (selected) run('createLink', href);
    else
      run(
        'insertHTML',
        `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${escapeHtml(href)}</a>`,
      );
  };

  return (
    <Box sx={{ border: 1, borderColor: 'divider', borderRadius: 1, '&:focus-within': { borderColor: 'primary.main' } }}>
      <Box
        sx={{
          display: 'flex',
          alignItems: 'center',
          flexWrap: 'wrap',
          gap: 0.25,
          px: 0.5,
          py: 0.25,
          borderBottom: 1,
          borderColor: 'divider',
        }}
      >
        <ToolButton label={t('compose.bold')} onClick={() => run('bold')} testId="mail-editor-bold">
          <FormatBoldIcon fontSize="small" />
        </ToolButton>
        <ToolButton label={t('compose.italic')} onClick={() => run('italic')} testId="mail-editor-italic">
          <FormatItalicIcon fontSize="small" />
        </ToolButton>
        <ToolButton label={t('compose.underline')} onClick={() => run('underline')} testId="mail-editor-underline">
          <FormatUnderlinedIcon fontSize="small" />
        </ToolButton>
        <Divider orientation="vertical" flexItem sx={{ mx: 0.5 }} />
        <ToolButton label={t('compose.bulletList')} onClick={() => run('insertUnorderedList')} testId="mail-editor-ul">
          <FormatListBulletedIcon fontSize="small" />
        </ToolButton>
        <ToolButton label={t('compose.numberedList')} onClick={() => run('insertOrderedList')} testId="mail-editor-ol">
          <FormatListNumberedIcon fontSize="small" />
        </ToolButton>
        <ToolButton
          label={t('compose.quote')}
          onClick={() => run('formatBlock', 'blockquote')}
          testId="mail-editor-quote"
        >
          <FormatQuoteIcon fontSize="small" />
        </ToolButton>
        <ToolButton label={t('compose.link')} onClick={insertLink} testId="mail-editor-link">
          <LinkIcon fontSize="small" />
        </ToolButton>
        <ToolButton label={t('compose.clearFormat')} onClick={() => run('removeFormat')} testId="mail-editor-clear">
          <FormatClearIcon fontSize="small" />
        </ToolButton>
      </Box>
      <Box
        ref={ref}
        role="textbox"
        aria-multiline="true"
        aria-label={props.label}
        contentEditable={!props.disabled}
        suppressContentEditableWarning
        onInput={report}
        onBlur={report}
        onPaste={onPaste}
        data-testid="mail-compose-body"
        sx={{
          minHeight: 280,
          maxHeight: '55vh',
          overflowY: 'auto',
          p: 1.5,
          outline: 'none',
          fontSize: 14,
          lineHeight: 1.6,
          overflowWrap: 'anywhere',
          '& p': { my: 0.5 },
          '& blockquote': { m: 0, ml: 1, pl: 1, borderLeft: 3, borderColor: 'divider', color: 'text.secondary' },
        }}
      />
    </Box>
  );
}
