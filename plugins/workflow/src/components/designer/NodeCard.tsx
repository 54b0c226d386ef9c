import { KeyboardEvent, ReactNode } from 'react';
import Box from '@mui/material/Box';
import ButtonBase from '@mui/material/ButtonBase';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import CloseIcon from '@mui/icons-material/Close';
import ErrorOutline from '@mui/icons-material/ErrorOutline';
import { useDesignerT } from './i18n';

export const CARD_WIDTH = 232;

/** Header colours as in the DingTalk / Feishu designers, so admins recognise the node kinds. */
export const NODE_COLORS = {
  start: '#576a95',
  approval: '#ff943e',
  cc: '#3296fa',
  condition: '#15bc83',
} as const;

/**
 * One node of the diagram. Selecting it (click, Enter, Space) opens its
 * editor; Delete asks to remove it. The delete button sits beside, not inside,
 * the card button so the two stay separate controls.
 */
export function NodeCard(props: {
  id: string;
  title: string;
  /** the kind shown in the coloured header ("审批人") when the card has one */
  header?: string;
  color: string;
  summary?: string;
  /** shown instead of the summary when there is none (e.g. "请设置审批人") */
  placeholder?: string;
  selected?: boolean;
  problems?: string[];
  badges?: ReactNode;
  /** extra controls below the body (move left/right) */
  actions?: ReactNode;
  onSelect?: () => void;
  onDelete?: () => void;
  onKeyDelete?: () => void;
  deleteLabel?: string;
  testId?: string;
}) {
  const { t } = useDesignerT();
  const problems = props.problems ?? [];
  const hasProblems = problems.length > 0;
  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.key === 'Delete' || e.key === 'Backspace') && props.onKeyDelete) {
      e.preventDefault();
      props.onKeyDelete();
    }
  };
  let borderColor = 'transparent';
  if (props.selected) borderColor = 'primary.main';
  else if (hasProblems) borderColor = 'error.main';
  return (
    <Box
      sx={{ position: 'relative', width: CARD_WIDTH, '&:hover .designer-card-delete, &:focus-within .designer-card-delete': { opacity: 1 } }}
      data-testid={props.testId}
      data-selected={props.selected ? 'true' : undefined}
      data-problems={hasProblems ? problems.length : undefined}
    >
      <ButtonBase
        focusRipple
        onClick={props.onSelect}
        onKeyDown={onKeyDown}
        disabled={!props.onSelect}
        aria-pressed={!!props.selected}
        aria-label={t('nodes.select', { name: props.title })}
        data-testid={props.testId ? `${props.testId}-button` : undefined}
        sx={{
          display: 'block',
          width: '100%',
          textAlign: 'left',
          borderRadius: 1,
          bgcolor: 'background.paper',
          boxShadow: 1,
          border: 2,
          borderColor,
          overflow: 'hidden',
          '&:hover': { boxShadow: 3 },
          '&.Mui-disabled': { pointerEvents: 'none' },
        }}
      >
        {props.header !== undefined && (
          <Box sx={{ bgcolor: props.color, color: '#fff', px: 1.5, py: 0.5, pr: 4, display: 'flex', alignItems: 'center', gap: 1 }}>
            <Typography variant="caption" sx={{ fontWeight: 600 }} noWrap>
              {props.header}
            </Typography>
          </Box>
        )}
        <Box sx={{ px: 1.5, py: 1, pr: props.header === undefined ? 4 : 1.5 }}>
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 0.5, minWidth: 0 }}>
            <Typography
              variant="body2"
              sx={{ fontWeight: 600, color: props.header === undefined ? props.color : 'text.primary', flex: 1, minWidth: 0 }}
              noWrap
            >
              {props.title}
            </Typography>
            {props.badges}
          </Box>
          {props.summary ? (
            <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5, wordBreak: 'break-word' }}>
              {props.summary}
            </Typography>
          ) : (
            props.placeholder && (
              <Typography variant="body2" color="text.disabled" sx={{ mt: 0.5 }}>
                {props.placeholder}
              </Typography>
            )
          )}
          {hasProblems && (
            <Tooltip title={problems.join('\n')} slotProps={{ tooltip: { sx: { whiteSpace: 'pre-line' } } }}>
              <Box sx={{ mt: 0.5, display: 'flex', alignItems: 'center', gap: 0.5, color: 'error.main' }}>
                <ErrorOutline fontSize="small" />
                <Typography variant="caption" data-testid={props.testId ? `${props.testId}-problem` : undefined}>
                  {problems[0]}
                  {problems.length > 1 ? ` (+${problems.length - 1})` : ''}
                </Typography>
              </Box>
            </Tooltip>
          )}
        </Box>
      </ButtonBase>
      {props.actions && <Box sx={{ display: 'flex', justifyContent: 'center', mt: 0.5, gap: 0.5 }}>{props.actions}</Box>}
      {props.onDelete && (
        <IconButton
          size="small"
          className="designer-card-delete"
          onClick={props.onDelete}
          aria-label={props.deleteLabel ?? t('common.delete')}
          data-testid={props.testId ? `${props.testId}-delete` : undefined}
          sx={{
            position: 'absolute',
            top: 2,
            right: 2,
            opacity: props.selected ? 1 : 0.6,
            color: props.header !== undefined ? '#fff' : 'text.secondary',
          }}
        >
          <CloseIcon fontSize="small" />
        </IconButton>
      )}
    </Box>
  );
}

export function DefaultChip() {
  const { t } = useDesignerT();
  return (
    <Tooltip title={t('nodes.defaultHint')}>
      <Chip size="small" label={t('nodes.default')} sx={{ height: 20 }} />
    </Tooltip>
  );
}
