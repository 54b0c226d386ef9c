import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip, { ChipProps } from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import { useApi } from '@backstage/frontend-plugin-api';
import type { Delegation } from '@cocrm/plugin-workflow-common';
import { useCurrentUserRef, useLoad, useNotify } from '@cocrm/suite-react';
import { workflowApiRef } from '../../api/WorkflowClient';
import { useNames } from '../common/directory';
import { ConfirmDialog, EmptyState, ErrorState, LoadingState } from '../common/feedback';
import { formatDateTime } from '../common/format';
import { useWorkflowT } from '../common/i18n';
import { DelegationFormDialog } from './DelegationFormDialog';

type DelegationState = 'active' | 'scheduled' | 'ended' | 'revoked';

export function delegationState(d: Delegation, now: Date): DelegationState {
  if (d.revokedAt) return 'revoked';
  if (new Date(d.endsAt) <= now) return 'ended';
  if (new Date(d.startsAt) > now) return 'scheduled';
  return 'active';
}

const STATE_COLORS: Record<DelegationState, ChipProps['color']> = {
  active: 'success',
  scheduled: 'info',
  ended: 'default',
  revoked: 'default',
};

/** 委托: one's own delegations while away, newest first; create and revoke. */
export function DelegationsPage() {
  const { t } = useWorkflowT();
  const api = useApi(workflowApiRef);
  const notify = useNotify();
  // the form refuses delegating to oneself
  const me = useCurrentUserRef();
  const { userName, typeLabel } = useNames();
  const data = useLoad(() => api.listDelegations(), [api]);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<Delegation>();
  const [revokeBusy, setRevokeBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<unknown>();
  const now = new Date();
  // the backend answers one's own delegations (as delegator), revoked ones included
  const rows = [...(data.value ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));

  const revoke = async () => {
    if (!revoking) return;
    setRevokeBusy(true);
    setRevokeError(undefined);
    try {
      await api.revokeDelegation(revoking.id);
      setRevoking(undefined);
      notify({ message: t('delegations.revoked') });
      data.retry();
    } catch (e) {
      setRevokeError(e);
    } finally {
      setRevokeBusy(false);
    }
  };

  let body;
  if (data.error && !data.value) body = <ErrorState error={data.error} onRetry={data.retry} />;
  else if (!data.value) body = <LoadingState />;
  else if (!rows.length)
    body = (
      <EmptyState
        testId="workflow-delegations-empty"
        title={t('delegations.empty')}
        hint={t('delegations.emptyHint')}
        action={
          <Button variant="outlined" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
            {t('delegations.new')}
          </Button>
        }
      />
    );
  else
    body = (
      <TableContainer component={Paper} variant="outlined">
        <Table size="small" aria-label={t('delegations.title')} data-testid="workflow-delegations-table">
          <TableHead>
            <TableRow>
              <TableCell>{t('delegations.delegate')}</TableCell>
              <TableCell>{t('delegations.scope')}</TableCell>
              <TableCell>{t('delegations.startsAt')}</TableCell>
              <TableCell>{t('delegations.endsAt')}</TableCell>
              <TableCell>{t('columns.status')}</TableCell>
              <TableCell align="right">{t('common.actions')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(d => {
              const state = delegationState(d, now);
              return (
                <TableRow key={d.id} data-testid={`workflow-delegation-${d.id}`}>
                  <TableCell>{userName(d.delegate)}</TableCell>
                  <TableCell>
                    {d.documentTypes?.length ? d.documentTypes.map(typeLabel).join('、') : t('delegations.allTypes')}
                  </TableCell>
                  <TableCell>{formatDateTime(d.startsAt)}</TableCell>
                  <TableCell>{formatDateTime(d.endsAt)}</TableCell>
                  <TableCell>
                    <Chip size="small" color={STATE_COLORS[state]} label={t(`delegations.states.${state}`)} />
                  </TableCell>
                  <TableCell align="right">
                    {(state === 'active' || state === 'scheduled') && (
                      <Button
                        size="small"
                        color="error"
                        onClick={() => {
                          setRevokeError(undefined);
                          setRevoking(d);
                        }}
                        data-testid={`workflow-delegation-revoke-${d.id}`}
                      >
                        {t('delegations.revoke')}
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </TableContainer>
    );

  return (
    <Box>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 1 }}>
        <Typography variant="h5" component="h2" sx={{ flex: 1 }}>
          {t('delegations.title')}
        </Typography>
        <Button
          variant="contained"
          startIcon={<AddIcon />}
          onClick={() => setCreating(true)}
          data-testid="workflow-delegation-new"
        >
          {t('delegations.new')}
        </Button>
      </Box>
      <Typography color="text.secondary" sx={{ mb: 2 }}>
        {t('delegations.subtitle')}
      </Typography>
      {body}
      <DelegationFormDialog
        open={creating}
        me={me}
        onClose={() => setCreating(false)}
        onSaved={() => {
          setCreating(false);
          notify({ message: t('delegations.created') });
          data.retry();
        }}
      />
      <ConfirmDialog
        open={!!revoking}
        title={t('delegations.revokeTitle')}
        text={revoking ? t('delegations.revokeText', { name: userName(revoking.delegate) }) : ''}
        confirmLabel={t('delegations.revoke')}
        onConfirm={revoke}
        onClose={() => setRevoking(undefined)}
        busy={revokeBusy}
        error={revokeError}
      />
    </Box>
  );
}
