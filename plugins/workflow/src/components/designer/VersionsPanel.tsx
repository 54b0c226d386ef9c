import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Paper from '@mui/material/Paper';
import { EmptyState, ErrorState, LoadingState } from '@cocrm/suite-react';
import type { FlowVersionSummary } from '../../api/types';
import { formatDateTime } from '../common/format';
import { useNames } from './directory';
import { useDesignerT } from './i18n';

/** Published versions, newest first, with how many approvals run (open) and ran (all) on each. */
export function VersionsPanel(props: {
  versions: FlowVersionSummary[] | undefined;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  currentVersion: number;
  viewing: number | null;
  onView: (number: number) => void;
}) {
  const { t } = useDesignerT();
  const names = useNames();
  if (props.error) return <ErrorState error={props.error} onRetry={props.onRetry} testId="designer-versions-error" />;
  if (!props.versions) return props.loading ? <LoadingState testId="designer-versions-loading" /> : null;
  if (props.versions.length === 0) return <EmptyState title={t('versions.empty')} />;
  return (
    <TableContainer component={Paper} variant="outlined" data-testid="designer-versions">
      <Table size="small" aria-label={t('versions.title')}>
        <TableHead>
          <TableRow>
            <TableCell>{t('versions.number')}</TableCell>
            <TableCell>{t('versions.publishedBy')}</TableCell>
            <TableCell>{t('versions.publishedAt')}</TableCell>
            <TableCell align="right">{t('versions.instances')}</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {props.versions.map(v => (
            <TableRow key={v.id} selected={props.viewing === v.number} data-testid={`designer-version-${v.number}`}>
              <TableCell>
                <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
                  {t('designer.version', { number: v.number })}
                  {v.number === props.currentVersion && <Chip size="small" color="primary" label={t('versions.current')} />}
                </Box>
              </TableCell>
              <TableCell>{names.user(v.publishedBy)}</TableCell>
              <TableCell>{formatDateTime(v.publishedAt)}</TableCell>
              <TableCell align="right" data-testid={`designer-version-${v.number}-counts`}>
                {t('versions.counts', { open: v.openInstanceCount ?? '—', total: v.instanceCount })}
              </TableCell>
              <TableCell align="right">
                <Button size="small" onClick={() => props.onView(v.number)} data-testid={`designer-version-${v.number}-view`}>
                  {t('versions.view')}
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
