import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import AddIcon from '@mui/icons-material/Add';
import { useApi } from '@backstage/frontend-plugin-api';
import type { Customer } from '@cocrm/plugin-crm-common';
import { crmApiRef } from '../../api/CrmClient';
import { useCrmT } from '../common/i18n';
import { EmptyState, ErrorState, LoadingState, useNotify } from '../common/feedback';
import { useLoad } from '../common/useLoad';
import { VisitFormDialog } from '../visits/VisitFormDialog';
import { VisitsTable } from '../visits/VisitsTable';

export function CustomerVisitsTab({ customer }: { customer: Customer }) {
  const { t } = useCrmT();
  const api = useApi(crmApiRef);
  const notify = useNotify();
  const [creating, setCreating] = useState(false);
  const data = useLoad(
    () => api.listVisits({ customerId: customer.id, pageSize: 100, sort: 'visitedAt', order: 'desc' }),
    [api, customer.id],
  );
  const add = (
    <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)} data-testid="crm-new-visit">
      {t('visit.new')}
    </Button>
  );
  return (
    <Box>
      {data.value && data.value.totalCount > 0 && <Box sx={{ display: 'flex', justifyContent: 'flex-end', mb: 1 }}>{add}</Box>}
      {data.loading && !data.value && <LoadingState />}
      {data.error && <ErrorState error={data.error} onRetry={data.retry} />}
      {data.value &&
        (data.value.totalCount === 0 ? (
          <EmptyState title={t('visit.empty')} hint={t('visit.emptyHint')} action={add} />
        ) : (
          <Paper variant="outlined">
            <VisitsTable visits={data.value.items} />
          </Paper>
        ))}
      <VisitFormDialog
        open={creating}
        customer={{ id: customer.id, name: customer.name }}
        onClose={() => setCreating(false)}
        onSaved={() => {
          setCreating(false);
          notify({ message: t('visit.created') });
          data.retry();
        }}
      />
    </Box>
  );
}
